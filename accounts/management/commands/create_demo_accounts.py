import secrets

from django.db import transaction

from accounts.models import User
from accounts.platform import PlatformCommand
from accounts.roles import Role
from accounts.services import ensure_role_groups

DEMO_ACCOUNTS = [
    ("citoyenne@demo.pacte.localhost", [Role.CITIZEN]),
    ("animateur@demo.pacte.localhost", [Role.CITIZEN, Role.FACILITATOR]),
    ("organisatrice@demo.pacte.localhost", [Role.CITIZEN, Role.MODERATOR, Role.ORGANISER]),
]


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = "Create the three demo accounts (citizen, facilitator, organiser) and print their passwords once."

    @transaction.atomic
    def handle(self, *args, **options):
        from allauth.account.models import EmailAddress
        from django.contrib.auth.models import Group

        ensure_role_groups()
        for email, roles in DEMO_ACCOUNTS:
            if User.objects.filter(email=email).exists():
                self.stdout.write(f"{email}: already exists (password printed when it was created)")
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(email=email, password=password)
            user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            self.stdout.write(self.style.SUCCESS(f"{email}  password: {password}  roles: {', '.join(roles)}"))
        self.stdout.write(
            "Facilitator and organiser accounts must set up two-factor authentication (TOTP) at first login."
        )
