from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from accounts.platform import PlatformCommand
from consultation import services
from consultation.csv_import import CsvImportError
from consultation.models import Consultation


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = (
        "Import contributions from a CSV file as published proposals. Unreadable rows are reported with "
        "their line number; every other row is kept. Re-running with the same file adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)
        parser.add_argument("--consultation", required=True, help="slug of the consultation")
        parser.add_argument("--text-column", required=True)
        parser.add_argument("--date-column")
        parser.add_argument("--strata-columns", default="", help="comma-separated column names")
        parser.add_argument(
            "--language-column",
            help="column giving each text's language as a code (fr, en); without it the language is left "
            "unknown (never guessed)",
        )

    def handle(self, *args, **options):
        consultation = Consultation.objects.filter(slug=options["consultation"]).first()
        if consultation is None:
            raise CommandError(f"no consultation with slug {options['consultation']!r}")
        try:
            data = options["csv"].read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['csv']}: {exc.strerror}") from exc
        strata = tuple(c.strip() for c in options["strata_columns"].split(",") if c.strip())
        with tqdm(
            unit="row", desc=_("Importing"), file=self.stderr, disable=options["verbosity"] == 0
        ) as bar:

            def progress(saved: int, to_save: int) -> None:
                bar.total = to_save
                bar.update(saved - bar.n)

            try:
                report = services.import_contributions(
                    actor=None,
                    consultation=consultation,
                    data=data,
                    text_column=options["text_column"],
                    date_column=options["date_column"],
                    strata_columns=strata,
                    progress=progress,
                    language_column=options["language_column"],
                )
            except CsvImportError as exc:
                raise CommandError(services.describe_file_error(exc)) from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} imported, {report.skipped_existing} already present, "
                f"{len(report.errors)} unreadable row(s)"
            )
        )
