import json

from django.core.management.base import BaseCommand, CommandError

from analysis.kpis import csv_tables, kpis
from consultation.models import Consultation


class Command(BaseCommand):
    help = (
        "Print the figures of the organisers' dashboard (participants, contributions and votes per week, "
        "returning participants, contributions in a published theme, representativeness per profile "
        "question, panels' adoption figures) for one consultation or across every consultation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consultation", metavar="SLUG", help="only this consultation (its short name)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print one JSON object")

    def handle(self, *args, consultation=None, as_json=False, **options):
        target = None
        if consultation is not None:
            target = Consultation.objects.filter(slug=consultation).first()
            if target is None:
                raise CommandError(f"No consultation with the short name {consultation!r}.")
        figures = kpis(target)
        if as_json:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, sort_keys=True, default=str))
            return
        for name, (_fields, rows) in csv_tables(figures).items():
            if name in ("summary", "panels"):
                self.stdout.write(f"[{name}]")
                for row in rows:
                    value = "n/a" if row["value"] is None else row["value"]
                    self.stdout.write(f"  {row['figure']}: {value}")
        self.stdout.write("[representativeness index]")
        for stratum in figures["representativeness"]["strata"]:
            index = "n/a" if stratum["index"] is None else stratum["index"]
            under = ", ".join(stratum["under_represented"]) or "-"
            self.stdout.write(f"  {stratum['stratum']}: {index} (under-represented: {under})")
