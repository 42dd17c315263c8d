"""Keep the cached users, roles and consents (accounts/cached.py) in step with every writer (admin too);
count a password sign-in as allauth's re-authentication, and a second factor just set up as used."""

import time

from allauth.account.signals import user_logged_in
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import cached, vendor
from .models import ConsentRecord, User
from .roles import forget_roles


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _user_changed(sender, instance, **kwargs):
    """The signed-in user is read from the cache (accounts/backends.py): a saved or deleted account
    (deactivated, new password, erased) must be read again on its next request."""
    cached.invalidate(cached.user_key(instance.pk))


@receiver(m2m_changed, sender=User.groups.through)
def _memberships_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # user.groups.add(...)
        forget_roles([instance.pk])
    elif pk_set:  # group.user_set.add(...)
        forget_roles(pk_set)
    else:  # group.user_set.clear(): members are gone by post_clear, so forget them before
        forget_roles(list(instance.user_set.values_list("pk", flat=True)))


@receiver(post_save, sender=Group)
@receiver(pre_delete, sender=Group)
def _group_changed(sender, instance, **kwargs):
    if instance.pk:
        forget_roles(list(instance.user_set.values_list("pk", flat=True)))


@receiver(post_save, sender=ConsentRecord)
@receiver(post_delete, sender=ConsentRecord)
def _consent_changed(sender, instance, **kwargs):
    from .selectors import forget_consent

    forget_consent(instance.user_id, instance.purpose, instance.version)


@receiver(user_logged_in)
def _sign_in_counts_as_reauthentication(sender, request, user, **kwargs):
    """allauth asks for the password again before a sensitive step (setting up TOTP, changing the e-mail)
    unless the person re-authenticated in the last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds, and since
    65.x a sign-in does not count: a facilitator sent to set up TOTP right after signing in typed their
    password twice. A password typed at sign-in is the same proof; record it as such."""
    typed = vendor.password_authentications(request, user)
    if typed and time.time() - typed[-1].get("at", 0) < 60:  # typed in this sign-in, not an older one
        vendor.record_reauthentication(request, user)


@receiver(authenticator_added)
def _second_factor_set_up_counts_as_used(sender, request, user, authenticator, **kwargs):
    """Staff roles need a session that used the second factor (accounts/middleware.py). Setting up TOTP
    means typing a valid code from it: the same proof as typing it at sign-in, recorded as such, so a
    facilitator who just set it up is not asked for a code again."""
    typed_a_code = authenticator.type == Authenticator.Type.TOTP  # recovery codes are only generated
    if typed_a_code and request is not None and getattr(request, "user", None) == user:
        vendor.record_second_factor(request, user, authenticator)
