import datetime as dt
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo_clock import DEMO_TIMELINE, days_ago, demo_clock
from accounts.platform import acting
from consultation import services
from consultation.accepting import accepts_contributions
from consultation.content import CONSULTATIONS
from consultation.models import Consultation, PhaseChange


class Command(BaseCommand):
    help = "Create (idempotently) a ready-made consultation in French and English and open it."

    def add_arguments(self, parser):
        parser.add_argument("slug", choices=sorted(CONSULTATIONS))
        parser.add_argument(
            "--demo-contributions",
            action="store_true",
            help="also add demo participants with profiles, answers, proposals and votes (idempotent); the "
            "consultation is then opened months ago, first in the demo's history (accounts/demo_clock.py)",
        )
        parser.add_argument(
            "--closes-in-days",
            type=int,
            help="close it at 23:59 (Paris time) this many days from today (default: the consultation's own "
            "setting, 60 for data-donation; 0: no closing time, organisers close it)",
        )

    def handle(self, *args, **options):
        # What it records without an actor is the platform's loading of a ready-made consultation.
        with acting(PhaseChange.Platform.READY_MADE):
            self._load(**options)

    @transaction.atomic
    def _load(self, *, slug, demo_contributions, closes_in_days, **options):
        spec = CONSULTATIONS[slug]
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            fields = {k: v for k, v in spec.items() if k in services.CONSULTATION_FIELDS}
            days = spec.get("closes_in_days", 0) if closes_in_days is None else closes_in_days
            if days > 0:
                day = timezone.localdate() + dt.timedelta(days=days)
                fields["closes_at"] = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
            # The demo's consultation opened first in its history, before the panel that debates it;
            # a ready-made consultation loaded for real opens today.
            opened = days_ago(DEMO_TIMELINE["consultation_opens"], hour=9) if demo_contributions else None
            if opened is not None:
                fields["starts_on"] = timezone.localdate(opened)
            with demo_clock(opened) if opened is not None else nullcontext():
                consultation = services.create_consultation(actor=None, slug=slug, **fields)
                for kind, text_fr, text_en, choices in spec["questions"]:
                    services.add_question(
                        actor=None,
                        consultation=consultation,
                        kind=kind,
                        text_fr=text_fr,
                        text_en=text_en,
                        choices=choices,
                    )
                services.transition(
                    actor=None,
                    consultation=consultation,
                    to_phase=Consultation.Phase.OPEN,
                    platform=PhaseChange.Platform.READY_MADE,
                )
            self.stdout.write(
                self.style.SUCCESS(f"{slug}: created with {len(spec['questions'])} questions, open")
            )
        else:
            self.stdout.write(f"{slug}: already exists ({consultation.get_phase_display()}), left unchanged")
        if demo_contributions:
            if not accepts_contributions(consultation):
                raise CommandError(f"{slug} is not open: demo contributions need an open consultation")
            from consultation.demo import load_demo_contributions

            counts = load_demo_contributions(consultation)
            if counts["participants"]:
                self.stdout.write(
                    self.style.SUCCESS(
                        "demo contributions: " + ", ".join(f"{n} {what}" for what, n in counts.items())
                    )
                )
            else:
                self.stdout.write("demo contributions: already loaded, left unchanged")
            self._publish_open_data(consultation)

    def _publish_open_data(self, consultation) -> None:
        """The demo's organiser publishes the open-data archive, as they would from the open-data page
        (built in this process by `make demo`, by a worker when REDIS_URL is set); once only."""
        from accounts.models import User
        from accounts.roles import Role

        organiser = User.objects.filter(groups__name=Role.ORGANISER).order_by("id").first()
        if organiser is None or consultation.exports.exists():
            return
        services.request_open_data_export(actor=organiser, consultation=consultation)
        self.stdout.write(self.style.SUCCESS("open data: archive requested by the demo organiser"))
