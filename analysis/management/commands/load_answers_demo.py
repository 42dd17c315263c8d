from django.core.management.base import CommandError

from accounts.platform import PlatformCommand
from analysis.answers_demo import load_answers_demo
from consultation.models import Consultation


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = (
        "Demo step (make demo, after the synthesis is published): state the consultation's answer rule and "
        "record a few decision-makers' answers to its proposals and themes. Running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the consultation's short name")

    def handle(self, *args, slug, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"No consultation with slug {slug}.")
        counts = load_answers_demo(consultation)
        self.stdout.write(f"Answers recorded: {counts['proposals']} proposals, {counts['themes']} themes.")
