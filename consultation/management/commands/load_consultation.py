import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

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
            help="also add demo participants with profiles, answers, proposals and votes (idempotent)",
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
