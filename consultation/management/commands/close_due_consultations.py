from accounts.platform import PlatformCommand
from consultation import services


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = (
        "Close the open consultations whose closing date and time has passed, as an organiser's close does "
        "(what the Celery beat does every PACTE_CLOSING_SWEEP_SECONDS). Running it again, or on several "
        "hosts at once, closes each consultation once."
    )

    def handle(self, *args, **options):
        closed = services.close_due_consultations()
        for slug in closed:
            self.stdout.write(f"closed {slug}")
        self.stdout.write(f"{len(closed)} consultation(s) closed.")
