import json

from django.core.management.base import BaseCommand, CommandError

from consultation.adoption import adoption_by_source
from consultation.models import Consultation
from deliberation import presenters, selectors
from deliberation.models import Panel


class Command(BaseCommand):
    help = (
        "Print the adoption figures of the citizen panels' recommendations: adoption rate = (adopted + "
        "partly adopted) / answered, share still unanswered, median answer delay in days, overdue answers; "
        "then the same rate per source (recommendations, consultation proposals, themes) and overall "
        "(consultation.adoption)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--panel", type=int, help="only this panel (id); all panels otherwise")
        parser.add_argument(
            "--consultation", help="per-source figures of this consultation only (slug); all otherwise"
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--overdue-days", type=int, default=None,
            help="days without answer before an answer is overdue (default: PACTE_ANSWER_OVERDUE_DAYS)",
        )  # fmt: skip

    def handle(self, *args, panel=None, consultation=None, as_json=False, overdue_days=None, **options):
        target = None
        if panel is not None:
            target = Panel.objects.filter(pk=panel).first()
            if target is None:
                raise CommandError(f"No panel with id {panel}.")
        scope = None
        if consultation is not None:
            scope = Consultation.objects.filter(slug=consultation).first()
            if scope is None:
                raise CommandError(f"No consultation with slug {consultation}.")
        sources, overall = adoption_by_source(scope)
        follow_ups, figures = selectors.accountability(target, overdue_days=overdue_days)
        report = {
            "panel": target.pk if target else None,
            "overdue_after_days": selectors.overdue_after_days() if overdue_days is None else overdue_days,
            **figures.as_dict(),
            "overdue_recommendations": [
                {
                    "id": f.recommendation.pk,
                    "title": str(presenters.public_title(f.recommendation)),  # as published
                    "reason": f.overdue_reason,
                }
                for f in follow_ups
                if f.overdue
            ],
            # Per source (the same rule, consultation.adoption): "items" handed to the decision-makers.
            "consultation": scope.slug if scope else None,
            "by_source": {report.source.key: report.figures.as_dict() for report in sources},
            "overall": overall.as_dict(),
        }
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, sort_keys=True))
            return
        rate = figures.adoption_rate
        share = figures.unanswered_share
        self.stdout.write(f"Recommendations handed to decision-makers: {figures.recommendations}")
        self.stdout.write(f"Answered: {figures.answered}")
        self.stdout.write(f"Adoption rate: {'n/a' if rate is None else f'{rate:.1%}'}")
        self.stdout.write(f"Still unanswered: {'n/a' if share is None else f'{share:.1%}'}")
        delay = figures.median_answer_delay_days
        self.stdout.write(f"Median answer delay: {'n/a' if delay is None else f'{delay} days'}")
        self.stdout.write(f"Overdue: {figures.overdue}")
        self.stdout.write(f"  of which late answers (no answer): {figures.late_answers}")
        self.stdout.write(f"  of which implementation deadlines missed: {figures.missed_deadlines}")
        for row in report["overdue_recommendations"]:
            self.stdout.write(f"  #{row['id']} {row['title']} ({row['reason']})")
        self.stdout.write("Adoption rate by source (adopted + partly adopted) / answered:")
        for name, figures in [*((r.source.key, r.figures) for r in sources), ("overall", overall)]:
            rate = figures.adoption_rate
            self.stdout.write(
                f"  {name}: {'n/a' if rate is None else f'{rate:.1%}'} "
                f"({figures.taken_up} of {figures.answered} answered, {figures.items} items, "
                f"{figures.late_answers} late)"
            )
