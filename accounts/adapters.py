from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .audit import record_event
from .models import ConsentRecord
from .roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Every new account is a citizen, and its acceptance of the privacy notice is recorded."""

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get_or_create(name=Role.CITIZEN.value)[0])
            ConsentRecord.objects.create(
                user=user,
                purpose=ConsentRecord.Purpose.PRIVACY_NOTICE,
                version=settings.PACTE_PRIVACY_NOTICE_VERSION,
                granted=True,
            )
            record_event(actor=user, action="account.created", obj=user)
        return user
