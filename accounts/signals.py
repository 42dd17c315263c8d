"""Keep the cached users, roles and consents (accounts/cached.py) in step with every writer (admin too)."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import cached
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
    from .services import forget_consent

    forget_consent(instance.user_id, instance.purpose, instance.version)
