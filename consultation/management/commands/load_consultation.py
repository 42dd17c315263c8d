from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from consultation import services
from consultation.content import CONSULTATIONS
from consultation.models import Consultation


class Command(BaseCommand):
    help = "Create (idempotently) a ready-made consultation in French and English and open it."

    def add_arguments(self, parser):
        parser.add_argument("slug", choices=sorted(CONSULTATIONS))
        parser.add_argument(
            "--demo-contributions",
            action="store_true",
            help="also add demo participants with profiles, answers, proposals and votes (idempotent)",
        )

    @transaction.atomic
    def handle(self, *args, slug, demo_contributions, **options):
        spec = CONSULTATIONS[slug]
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            fields = {k: v for k, v in spec.items() if k in services.CONSULTATION_FIELDS}
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
            services.transition(actor=None, consultation=consultation, to_phase=Consultation.Phase.OPEN)
            self.stdout.write(
                self.style.SUCCESS(f"{slug}: created with {len(spec['questions'])} questions, open")
            )
        else:
            self.stdout.write(f"{slug}: already exists ({consultation.get_phase_display()}), left unchanged")
        if demo_contributions:
            if not consultation.is_open:
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
