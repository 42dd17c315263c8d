"""python manage.py compute_opinion_groups <consultation-slug>: recompute the opinion groups now."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from accounts.platform import PlatformCommand
from analysis.opinion import compute_and_save
from consultation.models import Consultation


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = "Recompute the Pol.is-style opinion groups of a consultation from its votes."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short name of the consultation")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, slug, seed, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(_("No consultation has the short name %(slug)s.") % {"slug": slug})
        run = compute_and_save(consultation.pk, seed=seed)
        if not run.is_ok:
            self.stdout.write(
                _("Not enough votes yet to find opinion groups (%(n)s votes).") % {"n": run.vote_count}
            )
            return
        groups = run.result["groups"]
        self.stdout.write(
            _("%(groups)s opinion groups from %(votes)s votes.")
            % {"groups": len(groups), "votes": run.vote_count}
        )
        for group in groups:
            self.stdout.write(f"  {_('Group')} {group['group'] + 1}: {group['size']}")
