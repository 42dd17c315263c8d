from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.forms import PacteForm, SettingCheckbox

from .models import ErasureRecord, NoticePreference, Profile
from .roles import Role
from .strata import DEPARTEMENT_CHOICES, AgeBand, Education, Gender, SocioProfessional

WHY_WE_ASK = _(
    "Optional. Used only to draw representative citizen panels and to correct the results of "
    "consultations for who took part. Never shown publicly; results are published only for groups "
    "of at least 10 people. You can change or delete it at any time."
)


def _privacy_link():
    return format_html('<a href="{}">{}</a>', reverse_lazy("pages:privacy"), _("Read the privacy notice"))


class SignupForm(AllauthSignupForm):
    # The link is the field's hint, shown after the box: a link inside a label cannot be followed reliably
    # (a click on it may tick the box) and is read as part of the box's name.
    accept_privacy = forms.BooleanField(
        label=_("I have read and accept the privacy notice"),
        help_text=lazy(_privacy_link, SafeString)(),
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth puts the fields it adds (the passwords) after the ones declared here: the privacy box
        # comes last, after the passwords, as the last thing agreed to before creating the account.
        self.fields["accept_privacy"] = self.fields.pop("accept_privacy")


RECOVERY_CODE_HINT = _(
    "The 6-digit code shown by your authenticator app, or one of your recovery codes: the single-use codes "
    "shown, and offered for download, right after you set up two-factor authentication."
)

AUTHENTICATOR_CODE_HINT = _("The 6-digit code shown by your authenticator app.")


class _RecoveryCodeHint:
    """The code field of the two-factor steps says which code to type: the app's, or a recovery code too
    (allauth checks both) to users who have recovery codes. The pages need no sentence asking for it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if Authenticator.objects.filter(user=self.user, type=Authenticator.Type.RECOVERY_CODES).exists():
            self.fields["code"].help_text = RECOVERY_CODE_HINT
        else:
            self.fields["code"].help_text = AUTHENTICATOR_CODE_HINT


class AuthenticateForm(_RecoveryCodeHint, AllauthAuthenticateForm):
    """The code step of signing in (MFA_FORMS["authenticate"])."""


class ReauthenticateForm(_RecoveryCodeHint, AllauthReauthenticateForm):
    """The code asked again before a sensitive change (MFA_FORMS["reauthenticate"])."""


def _optional(choices):
    return [("", _("I prefer not to say"))] + list(choices)


class ProfileForm(PacteForm):
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=_optional(AgeBand.choices), required=False, help_text=WHY_WE_ASK
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=_optional(Gender.choices), required=False, help_text=WHY_WE_ASK
    )
    departement = forms.ChoiceField(
        label=_("Département of residence"),
        choices=_optional(DEPARTEMENT_CHOICES),
        required=False,
        # format_lazy, not "+": adding lazy strings translates them once, at import, in the default language.
        help_text=format_lazy("{} {}", _("We derive your region from it."), WHY_WE_ASK),
    )
    education = forms.ChoiceField(
        label=_("Highest diploma"), choices=_optional(Education.choices), required=False, help_text=WHY_WE_ASK
    )
    socio_professional = forms.ChoiceField(
        label=_("Socio-professional category"), choices=_optional(SocioProfessional.choices), required=False,
        help_text=WHY_WE_ASK,
    )  # fmt: skip

    @classmethod
    def for_profile(cls, profile: Profile, data=None):
        initial = {name: getattr(profile, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


class DeleteAccountForm(PacteForm):
    contributions = forms.ChoiceField(
        label=_("What should happen to your public contributions (proposals, votes, answers)?"),
        choices=ErasureRecord.Choice.choices,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be deleted and that this cannot be undone."), required=True
    )


class NoticesForm(PacteForm):
    email_notices = SettingCheckbox(
        label=_(
            "E-mail me about what becomes of my contributions: my proposals published or hidden by "
            "moderators, being drawn for a panel I volunteered for, answers to its recommendations"
        ),
        # On by default, and rightly so: news of one's own contributions is part of the service (the privacy
        # notice's public-interest basis, GDPR art. 6-1-e), not a consent (art. 6-1-a, which a ticked box
        # could not give) nor advertising; the hint says so, and every such e-mail has a link to stop them.
        help_text=_(
            "On unless you untick it: these e-mails are part of the service, never advertising, and each "
            "has a link to stop them."
        ),
    )


class RoleForm(PacteForm):
    email = forms.EmailField(label=_("E-mail address of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("grant", _("Grant")), ("revoke", _("Revoke"))], widget=forms.RadioSelect
    )


class DigestForm(PacteForm):
    """How often to hear of what became of one's contributions (accounts.notification_preferences)."""

    digest = forms.ChoiceField(
        label=_("News of what became of my contributions"),
        choices=NoticePreference.Digest.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "An e-mail when a panel recommendation linked to one of your proposals or answers gets the "
            "decision-maker's answer, or when a synthesis citing them is published. Weekly: the week's "
            "news gathered in a single e-mail. Sent only while the e-mails about your contributions "
            "(above) are on; every one of them has a link to stop them."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of my e-mails"),
        choices=[("", _("The language of my latest contribution"))] + list(settings.LANGUAGES),
        required=False,
    )
