from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consultation import services
from consultation.polis_export import PolisExportError, read_polis_export


class Command(BaseCommand):
    help = (
        "Import a Pol.is export folder (comments.csv, votes.csv or participants-votes.csv, summary.csv) "
        "into a consultation, created when the slug is new. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--consultation", required=True, help="slug of the consultation")

    def handle(self, *args, folder, consultation, **options):
        try:
            export = read_polis_export(folder)
        except PolisExportError as exc:
            raise CommandError(str(exc)) from exc
        report = services.import_polis(actor=None, export=export, slug=consultation)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.consultation.slug}: {'created, ' if report.created_consultation else ''}"
                f"{report.proposals_created} new proposals, {report.votes_stored} votes "
                f"(from {export.votes_source})"
            )
        )
