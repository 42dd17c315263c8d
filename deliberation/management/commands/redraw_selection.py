from django.core.management.base import CommandError

from accounts.platform import PlatformCommand
from deliberation import services
from deliberation.models import Selection


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = (
        "Re-run the public draw of a selection from its published lottery (checked against its SHA-256) "
        "and its revealed seed (checked against its commitment), and compare with the seated panel."
    )

    def add_arguments(self, parser):
        parser.add_argument("selection", type=int, help="id of the selection (shown in the selection report)")

    def handle(self, *args, selection, **options):
        record = Selection.objects.filter(pk=selection, status=Selection.Status.DONE).first()
        if record is None:
            raise CommandError(f"No completed selection with id {selection}.")
        try:
            panel = services.redraw(record)
        except services.DeliberationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Seed: {record.seed}")
        if record.lottery:
            self.stdout.write(f"Commitment to the seed: {record.seed_commitment}")
            self.stdout.write(f"Lottery SHA-256: {record.lottery_sha256}")
        self.stdout.write(f"Panel drawn again: {', '.join(panel)}")
        if sorted(panel) == sorted(record.drawn):
            self.stdout.write(self.style.SUCCESS("Same panel as the recorded draw."))
        else:
            raise CommandError("The draw does not give the recorded panel: the stored data was altered.")
