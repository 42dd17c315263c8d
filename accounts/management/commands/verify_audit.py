from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log and report the first broken link, if any."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                _("Audit chain broken at event #%(id)s: %(reason)s (%(checked)s events verified before it).")
                % {"id": report.broken_at, "reason": report.reason, "checked": report.checked}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Audit chain intact: %(n)s events verified.") % {"n": report.checked})
        )
