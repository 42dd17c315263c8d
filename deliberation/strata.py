"""How the panels name strata: the profile's slugs (`accounts.strata`), so that a citizen who volunteers
from their account and a volunteer imported from a file are compared on the same values.

The reference population shares shipped with the sortition core use INSEE wording ("woman", "18-24",
region names); `REFERENCE_TO_PROFILE` is the one place that translates them."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.strata import (
    REGIONS,
    STRATA_FIELDS,
    STRATA_VALUES,
    AgeBand,
    Education,
    Gender,
    category_label,
    stratum_label,
    value_label,
)

# reference category -> (profile category, {reference value: profile value})
REFERENCE_TO_PROFILE: dict[str, tuple[str, dict[str, str]]] = {
    "gender": ("gender", {"woman": Gender.FEMALE, "man": Gender.MALE}),
    # The reference covers adults; the profile's first band starts at 16: the closest band.
    "age": ("age_band", {"18-24": AgeBand.AGE_16_24, "25-34": AgeBand.AGE_25_34, "35-49": AgeBand.AGE_35_49,
                         "50-64": AgeBand.AGE_50_64, "65+": AgeBand.AGE_65_PLUS}),
    "region": ("region", {name.replace(" (DROM)", ""): slug for slug, (name, _deps) in REGIONS.items()}),
    "education": ("education", {"no_diploma": Education.NONE, "secondary": Education.SECONDARY,
                                "bac": Education.BAC, "higher": Education.HIGHER}),
}  # fmt: skip

# Where each reference share comes from (deliberation/data/SOURCES.md, in short), per profile category:
# (source, year of the figures, approximate). Shown next to the shares on the organisers' dashboard.
REFERENCE_SOURCES: dict[str, tuple[Any, int, bool]] = {
    "gender": (_("INSEE, population estimates at 1 January 2024, aged 18 or over"), 2024, True),
    "age_band": (_("INSEE, population estimates at 1 January 2024, aged 18 or over"), 2024, True),
    "region": (_("INSEE, legal populations of 2021 in force at 1 January 2024"), 2021, False),
    "education": (
        _("INSEE, 2020 census, table FOR T2 (people aged 15 or over who have left education)"),
        2020,
        False,
    ),
}

# Every value a profile can hold, per category (used to add quotas for values the reference lacks).
PROFILE_VALUES: dict[str, list[tuple[str, str]]] = {
    category: values for category, values in STRATA_VALUES.items() if category in STRATA_FIELDS
}

# The one mapping from stratum codes to words lives with the profile (`accounts.strata`); every panel page
# uses it through these names.
__all__ = [
    "PROFILE_VALUES",
    "REFERENCE_SOURCES",
    "REFERENCE_TO_PROFILE",
    "category_label",
    "stratum_label",
    "value_label",
]


def _folded(text: str) -> str:
    """Compared without case, accents or surrounding spaces: "Île-de-France" = "ile-de-france"."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def profile_value(category: str, raw: str) -> str | None:
    """The profile value (slug) an imported cell of a profile stratum stands for: the slug itself, or its
    label in French or English, whatever the case and accents, when only one value has that label. None
    when the cell names no value of the category (the line is refused: a value quotas never match would
    leave the person out of every quota). `category` must be in `PROFILE_VALUES`."""
    from django.utils import translation

    wanted = _folded(raw)
    matches = {slug for slug, _label in PROFILE_VALUES[category] if _folded(slug) == wanted}
    if not matches:
        for language in ("fr", "en"):
            with translation.override(language):
                matches |= {slug for slug, label in PROFILE_VALUES[category] if _folded(str(label)) == wanted}
    return matches.pop() if len(matches) == 1 else None


def population_margins() -> dict[str, dict[str, float]]:
    """The French adult population's shares per profile question (INSEE, shipped with the sortition core),
    in the profile's values: what a consultation's theme shares are re-weighted to (`analysis`). Values the
    reference does not count (gender "other", socio-professional category) are left out: re-weighting
    neither raises nor lowers those who gave them."""
    from .sortition import load_reference_shares

    shares = load_reference_shares()
    margins: dict[str, dict[str, float]] = {}
    for ref_category, (category, mapping) in REFERENCE_TO_PROFILE.items():
        values = shares.get(ref_category, {})
        if values:
            margins[category] = {str(mapping.get(value, value)): share for value, share in values.items()}
    return margins
