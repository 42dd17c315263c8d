"""python manage.py suggest_theme_links <consultation-slug> [--confirm-best]: suggest, for every
recommendation of the panels attached to the consultation, the themes of its published synthesis that
the recommendation answers (as the recommendation page's button does). Suggestions stay private until a
facilitator or an organiser confirms them; ``--confirm-best`` confirms the best one of each, for the demo
(``make demo``) only: in a real consultation a person checks every link."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from accounts.platform import PlatformCommand
from analysis import services
from consultation.models import Consultation
from deliberation.models import Recommendation


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = "Suggest theme links for the recommendations of a consultation's panels (--confirm-best: demo)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short name of the consultation")
        parser.add_argument(
            "--confirm-best", action="store_true", help="confirm the best suggestion of each (demo data only)"
        )

    def handle(self, *args, slug, confirm_best, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(_("No consultation has the short name %(slug)s.") % {"slug": slug})
        recommendations = Recommendation.objects.filter(panel__consultation=consultation).select_related(
            "panel"
        )
        suggested = confirmed = 0
        for recommendation in recommendations.order_by("id"):
            try:
                links = services.suggest_theme_links(actor=None, recommendation=recommendation)
            except services.ThemeLinkError as exc:  # nothing published: say so, it is not a failure
                self.stdout.write(str(exc))
                return
            suggested += len(links)
            if confirm_best and links:
                best = max(links, key=lambda link: link.score or 0)
                services.link_theme(actor=None, recommendation=recommendation, theme_id=best.theme_id)
                confirmed += 1
        self.stdout.write(
            _("%(suggested)s themes suggested for %(n)s recommendations, %(confirmed)s links confirmed.")
            % {"suggested": suggested, "n": recommendations.count(), "confirmed": confirmed}
        )
