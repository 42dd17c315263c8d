import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import event_types
from .platform import actor_label as platform_actor
from .roles import acted_by, public_actor
from .strata import (
    DEPARTEMENT_CHOICES,
    DEPARTEMENT_TO_REGION,
    REGION_CHOICES,
    AgeBand,
    Education,
    Gender,
    SocioProfessional,
)


def new_pseudonym() -> str:
    """A public name that reveals nothing: contributions are shown under it, never under the e-mail."""
    return f"Citoyen·ne {secrets.token_hex(3).upper()}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. Identified by e-mail; shown publicly only by `pseudonym`."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    pseudonym = models.CharField(_("public pseudonym"), max_length=40, default=new_pseudonym)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    # E-mails about what becomes of the person's contributions (accounts/notices.py); they can turn them off.
    email_notices = models.BooleanField(_("e-mails about my contributions"), default=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.pseudonym if self.erased_at else self.email

    @property
    def public_name(self) -> str:
        return self.pseudonym

    def get_session_auth_hash(self) -> str:
        """Django's session hash (an HMAC of the password hash), computed once per cached user entry:
        every request of a signed-in person compares it with their session's (accounts/backends.py
        computes it before caching the entry). The memo holds only for the same password hash and the
        same signing key, so a new password or a rotated SECRET_KEY still signs the sessions out."""
        from .session_hash import memoised_session_hash

        return memoised_session_hash(self, super().get_session_auth_hash)


class Profile(models.Model):
    """Optional stratification answers. Each one may be left blank; see the help texts for why we ask."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    departement = models.CharField(_("département"), max_length=3, choices=DEPARTEMENT_CHOICES, blank=True)
    region = models.CharField(_("region"), max_length=40, choices=REGION_CHOICES, blank=True, editable=False)
    education = models.CharField(_("education level"), max_length=12, choices=Education.choices, blank=True)
    socio_professional = models.CharField(
        _("socio-professional category"), max_length=16, choices=SocioProfessional.choices, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"profile of {self.user_id}"

    def derive_region(self) -> None:
        self.region = DEPARTEMENT_TO_REGION.get(self.departement, "")

    def strata(self) -> dict[str, str]:
        """The answers given, as {stratum: value}; blank answers are left out."""
        from .strata import STRATA_FIELDS

        return {name: getattr(self, name) for name in STRATA_FIELDS if getattr(self, name)}


class ConsentRecord(models.Model):
    """One decision of a person about one purpose, at one version of the text they were shown."""

    class Purpose(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
        PROFILE_STRATA = "profile_strata", _("Use of my profile answers for representativeness")
        CHARTER = "charter", _("Consultation charter")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    version = models.CharField(_("version"), max_length=64)
    granted = models.BooleanField(_("granted"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.purpose} {self.version} {'granted' if self.granted else 'withdrawn'}"


class ErasureRecord(models.Model):
    """What a person chose when they deleted their account. Holds no identity, only the pseudonym."""

    class Choice(models.TextChoices):
        DELETE = "delete", _("Delete my public contributions")
        PSEUDONYMISE = "pseudonymise", _("Keep my public contributions under my pseudonym")

    pseudonym = models.CharField(max_length=40)
    choice = models.CharField(max_length=16, choices=Choice.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("account erasure")
        verbose_name_plural = _("account erasures")

    def __str__(self) -> str:
        return f"{self.pseudonym}: {self.choice}"


class AuditEvent(models.Model):
    """Append-only log. Each row carries the SHA-256 of its content and of the previous row's hash,
    so altering or deleting a row breaks the chain (`manage.py verify_audit`)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A plain integer, not a foreign key: the chain must not change when a user row changes.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=80, blank=True)  # the pseudonym at the time, "system" if none
    # The role under which the actor acted (`accounts.roles.Role` code): what public pages show of them,
    # worded when shown. Empty for the system and for events recorded before it existed.
    actor_role = models.CharField(max_length=20, blank=True, default="")
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")

    def public_actor(self, default_role: str = "") -> str:
        """Who acted, as the public reads it, in the reader's language: the role (`actor_role`, else
        `default_role`, the role a caller knows the action requires, for events recorded before roles were
        stored), or "system". Never the pseudonym in `actor_label`."""
        if self.actor_id is None:
            return str(_("system"))
        return public_actor(self.actor_role or default_role)

    def console_actor(self) -> str:
        """Who acted, for the organisers' console, in the reader's language: a staff step as the team and
        the pseudonym at the time ("The organisers (Citoyen·ne 52A4DB)", `roles.acted_by`, the rule every
        page follows), under the role recorded, else the role its event type is taken under
        (`event_types`: events recorded before roles were); a person acting as a citizen or on their own
        account by their pseudonym; the platform and why ("The platform (closing time reached)",
        `accounts.platform`; "reason not recorded" for an event that did not say)."""
        if self.actor_id is None:
            return platform_actor(self.details or {})
        role = self.actor_role or event_types.declared_role(self.action)
        return acted_by(role, self.actor_label, back_office=True)

    @property
    def label(self) -> str:
        """The event type in the reader's language (`accounts.event_types`)."""
        return event_types.label(self.action)


class SentNotice(models.Model):
    """An e-mail notice already sent, by its key (what it is about and to whom). Celery delivers a task at
    least once (a worker that dies after sending, before acknowledging, leaves it to another; a fan-out
    run again queues its sends again): the unique key makes each notice go out once (`send_once`)."""

    key = models.CharField(max_length=120, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent notice")
        verbose_name_plural = _("sent notices")

    def __str__(self) -> str:
        return self.key


class OutboxTask(models.Model):
    """A background task recorded in the same transaction as the change that needs it (a transactional
    outbox, `accounts.outbox`): if the broker is down when the transaction commits, the row stays
    pending and the periodic `accounts.flush_outbox` task sends it once the broker is back."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    options = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("pending background task")
        verbose_name_plural = _("pending background tasks")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class NoticePreference(models.Model):
    """How often a person hears of what became of their contributions (the digest of answers and published
    syntheses, `analysis.digest`), and in which language. No row: the defaults (weekly, the language of
    their latest contribution). Set on *My account*, or to "none" by the unsubscribe link of any digest."""

    class Digest(models.TextChoices):
        WEEKLY = "weekly", _("Once a week, in one e-mail")
        IMMEDIATE = "immediate", _("As soon as it happens")
        NONE = "none", _("Never")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notice_preference")
    digest = models.CharField(_("news of my contributions"), max_length=10, choices=Digest.choices,
                              default=Digest.WEEKLY)  # fmt: skip
    # Blank: the language of the person's latest contribution, else the site's.
    language = models.CharField(_("language of my e-mails"), max_length=8, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"


# Defined beside the code that reads it (the vote's fast path); imported here so Django registers it.
from .vote_sessions import VoteSession  # noqa: E402, F401
