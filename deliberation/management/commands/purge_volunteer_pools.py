from django.conf import settings
from django.utils import timezone
from tqdm import tqdm

from accounts.platform import PlatformCommand
from deliberation import selectors, services


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = (
        "Delete the volunteers who never had a seat from the pools of panels closed more than "
        "PACTE_POOL_RETENTION_DAYS days ago (what the daily Celery beat task does). Seated members stay, "
        "with their contact details, address and import identifier blanked. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be deleted or blanked, and change nothing"
        )

    def handle(self, *args, dry_run, verbosity, **options):
        now = timezone.now()
        days = settings.PACTE_POOL_RETENTION_DAYS
        self.stdout.write(
            f"Retention: {days} day(s) after closing; panels closed on or before "
            f"{timezone.localtime(selectors.pool_retention_cutoff(now)):%Y-%m-%d %H:%M}."
        )
        if dry_run:
            expired = list(selectors.expired_pools(now=now))
            for panel in expired:
                closed = timezone.localtime(panel.closed_at)
                self.stdout.write(
                    f"Panel #{panel.pk} “{panel.title}” (closed {closed:%Y-%m-%d}): "
                    f"{panel.unseated} volunteer(s) without a seat would be deleted; "
                    f"{panel.members_to_clear} seated member(s)' contact, address and import id "
                    "would be blanked."
                )
            total = sum(panel.unseated for panel in expired)
            cleared = sum(panel.members_to_clear for panel in expired)
            summary = (
                f"Dry run: {total} volunteer(s) would be deleted and {cleared} seated member(s)' details "
                f"would be blanked in {len(expired)} panel(s); nothing changed."
            )
            self.stdout.write(self.style.SUCCESS(summary))
            return
        with tqdm(unit="panel", desc="Purging pools", file=self.stderr, disable=verbosity == 0) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            purged = services.purge_expired_pools(now=now, progress=progress)
        for purge in purged:
            self.stdout.write(
                f"Panel #{purge.panel_id} “{purge.title}”: "
                f"{purge.deleted} volunteer(s) without a seat deleted; "
                f"{purge.members_cleared} seated member(s)' contact, address and import id blanked."
            )
        total = sum(purge.deleted for purge in purged)
        cleared = sum(purge.members_cleared for purge in purged)
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} volunteer(s) deleted and {cleared} seated member(s)' details blanked "
                f"in {len(purged)} panel(s)."
            )
        )
