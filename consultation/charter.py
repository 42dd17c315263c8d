"""The default charter of a consultation: the five principles of the national charter of citizen
involvement in health data (APRS report, 2025)."""

from django.utils.translation import gettext_lazy as _

DEFAULT_PRINCIPLES = [
    (
        _("Understanding and control"),
        _("Clear information, informed and modular consent, and access to how your data is used."),
    ),
    (
        _("Equity and representativeness"),
        _("Every territory and every public, including the most vulnerable, has its place and its voice."),
    ),
    (
        _("Solidarity"),
        _("The benefits drawn from data are shared for the health of all."),
    ),
    (
        _("Sobriety and sovereignty"),
        _("Responsible, European infrastructure, not exposed to extraterritorial laws."),
    ),
    (
        _("Responsibility"),
        _(
            "Citizens are co-actors, institutions are guarantors, companies are accountable. I contribute "
            "respectfully, without personal attacks, and without personal or medical details about anyone."
        ),
    ),
]

MAX_CHARTER_LENGTH = 10_000


def default_text(language: str) -> str:
    """The default principles as one editable text in `language` ("fr" or "en"): one paragraph each."""
    from django.utils import translation

    with translation.override(language):
        return "\n\n".join(
            f"{index}. {title}. {text}" for index, (title, text) in enumerate(DEFAULT_PRINCIPLES, 1)
        )
