from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import ErasureRecord, Profile
from .roles import Role
from .strata import DEPARTEMENT_CHOICES, AgeBand, Education, Gender, SocioProfessional

WHY_WE_ASK = _(
    "Optional. Used only to draw representative citizen panels and to correct the results of "
    "consultations for who took part. Never shown publicly; results are published only for groups "
    "of at least 10 people. You can change or delete it at any time."
)


def _privacy_label():
    return format_html(
        '{} <a href="{}">{}</a>',
        _("I have read and accept the"),
        reverse_lazy("pages:privacy"),
        _("privacy notice"),
    )


class SignupForm(AllauthSignupForm):
    accept_privacy = forms.BooleanField(label=lazy(_privacy_label, str)(), required=True)


def _optional(choices):
    return [("", _("I prefer not to say"))] + list(choices)


class ProfileForm(DsfrBaseForm):
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


class DeleteAccountForm(DsfrBaseForm):
    contributions = forms.ChoiceField(
        label=_("What should happen to your public contributions (proposals, votes, answers)?"),
        choices=ErasureRecord.Choice.choices,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be deleted and that this cannot be undone."), required=True
    )


class NoticesForm(DsfrBaseForm):
    email_notices = forms.BooleanField(
        label=_(
            "E-mail me about what becomes of my contributions: my proposals published or hidden by "
            "moderators, being drawn for a panel I volunteered for, answers to its recommendations"
        ),
        required=False,
    )


class RoleForm(DsfrBaseForm):
    email = forms.EmailField(label=_("E-mail address of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("grant", _("Grant")), ("revoke", _("Revoke"))], widget=forms.RadioSelect
    )
