from pathlib import Path

from django.core.management.base import CommandError

from accounts.platform import PlatformCommand
from consultation import services
from consultation.polis_export import PolisExportError, read_polis_export


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = (
        "Import a Pol.is export folder (comments.csv, votes.csv or participants-votes.csv, summary.csv) "
        "into a consultation, created when the slug is new. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--consultation", required=True, help="slug of the consultation")
        parser.add_argument(
            "--language",
            default="",
            help="language the conversation is written in, a code such as en or fr (a Pol.is export does "
            "not say it): its statements are marked with it on the pages, and a consultation it creates "
            "gets the topic in that language's title (title_en for en; a consultation's own texts are French "
            "or English only: in another language, create the consultation first, then import into it); "
            "none by default",
        )

    def handle(self, *args, folder, consultation, language="", **options):
        try:
            export = read_polis_export(folder)
            report = services.import_polis(actor=None, export=export, slug=consultation, language=language)
        except (PolisExportError, services.ConsultationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.consultation.slug}: {'created, ' if report.created_consultation else ''}"
                f"{report.proposals_created} new proposals, {report.votes_stored} votes "
                f"(from {export.votes_source})"
            )
        )
