from django.core.management.base import CommandError

from accounts.models import User
from accounts.platform import PlatformCommand
from analysis import digest
from analysis.models import DigestItem


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = (
        "Collect the news of citizens' contributions (answers to linked recommendations, published "
        "syntheses) and send the digests due, here, without Celery: what the beat task analysis.send_digests "
        "does (docs/notifications.md). Running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--preview",
            metavar="EMAIL",
            help="print the digest this account would receive with all its news waiting, whether due or not; "
            "send nothing, mark nothing",
        )

    def handle(self, *args, preview=None, **options):
        collected = digest.collect()
        dropped = digest.drop_unwanted()
        self.stdout.write(f"News collected: {collected}; dropped (digest turned off): {dropped}.")
        if preview:
            user = User.objects.filter(email__iexact=preview).first()
            if user is None:
                raise CommandError(f"No account uses the address {preview}.")
            items = list(DigestItem.objects.filter(user=user, sent_at__isnull=True))
            message = digest.digest_message(user, items) if items else None
            if message is None:
                self.stdout.write(f"No news waiting for {preview}.")
                return
            self.stdout.write(f"Subject: {message.subject}\n")
            for name, value in message.extra_headers.items():
                self.stdout.write(f"{name}: {value}")
            self.stdout.write("\n" + message.body)
            return
        sent = sum(digest.send_digest(user_id) for user_id in digest.due_user_ids())
        self.stdout.write(f"Digests sent: {sent}.")
