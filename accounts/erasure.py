"""What `accounts` (and the Django and allauth tables below it) hold about a person, declared in the
personal-data registry (`accounts.personal_data`), with the handlers for what one lookup cannot find."""

import uuid

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.utils import timezone

from .personal_data import Fate, Stage, register


def _erase_identity(user, keep_pseudonymous: bool) -> None:
    """The account row stays (contributions kept under the pseudonym and the audit log point at it); what
    identifies the person goes. A new (unusable) password changes the session auth hash: every open
    session ends with it, and `_erase_sessions` removes them anyway."""
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"erased-{uuid.uuid4().hex}@invalid"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()


def _erase_sessions(user, keep_pseudonymous: bool) -> None:
    """Session rows hold the account id and whatever the person left in them (a proposal being
    previewed, answers waiting for the charter). Their data is only signed, so every row is read to
    find the person's; the session engine's own delete also empties the cache of a cached_db engine."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    decoder = store()
    theirs = str(user.pk)
    for key, data in Session.objects.values_list("session_key", "session_data").iterator(chunk_size=2000):
        if str(decoder.decode(data).get("_auth_user_id")) == theirs:
            store(session_key=key).delete()


def _erase_admin_log(user, keep_pseudonymous: bool) -> None:
    """The admin's history: what the person did there, and what was done to their account (its
    `object_repr` is the account's e-mail)."""
    from .models import User

    LogEntry.objects.filter(user=user).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()


def register_entries() -> None:
    register(
        "accounts.User",
        erase=Fate.BLANK,
        pseudonymise=Fate.BLANK,
        handler=_erase_identity,
        stage=Stage.IDENTITY,
        why="E-mail, names, password, roles and last login go; the row keeps the pseudonym so that what is "
        "kept (contributions under the pseudonym, the audit log) points at no identity.",
    )
    register("accounts.Profile", person="user", erase=Fate.DELETE, why="Optional strata answers.")
    register("accounts.ConsentRecord", person="user", erase=Fate.DELETE, why="Private decisions.")
    register(
        "accounts.NoticePreference",
        person="user",
        erase=Fate.DELETE,
        why="How often and in which language the person hears of their contributions.",
    )
    register("account.EmailAddress", person="user", erase=Fate.DELETE, why="The person's addresses.")
    register(
        "account.EmailConfirmation",
        by="account.EmailAddress",
        erase=Fate.DELETE,
        why="Confirmation keys of an address, deleted with it (cascade).",
    )
    register("mfa.Authenticator", person="user", erase=Fate.DELETE, why="Second-factor secrets.")
    register(
        "admin.LogEntry",
        person="user",
        handler=_erase_admin_log,
        erase=Fate.DELETE,
        why="Admin history by or about them.",
    )
    register(
        "sessions.Session",
        handler=_erase_sessions,
        erase=Fate.DELETE,
        stage=Stage.LAST,
        why="Their id and drafts kept in the session (a proposal being previewed, waiting answers).",
    )
    register(
        "accounts.VoteSession",
        person="user",
        erase=Fate.DELETE,
        why="Which of the person's sessions may vote by the fast path (accounts/vote_sessions.py): the "
        "session key, the account id, digests of the password hash and of the signing key.",
    )
    register(
        "cache:signed-in user",
        by="accounts.User",
        erase=Fate.DELETE,
        why="The cached account and roles (accounts/cached.py) are dropped when the account is saved.",
    )
    register(
        "accounts.AuditEvent",
        erase=Fate.KEEP,
        why="The append-only, hash-chained log of who did what (accountability): it names the account by "
        "id and pseudonym only, never the e-mail, and says that a member voted, never how.",
    )
    register(
        "accounts.ErasureRecord",
        erase=Fate.KEEP,
        why="Proof of the erasure and of the choice made, under the pseudonym only.",
    )
    register(
        "accounts.SentNotice",
        erase=Fate.KEEP,
        why="Keys of e-mails already sent: they name a proposal, seat, volunteer row or account id (the "
        "digest's, accounts/notification_preferences.py), never the address or the name; an erased account "
        "keeps only its pseudonym.",
    )
