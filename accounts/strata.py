"""Optional stratification answers a citizen may give in their profile.

They serve two purposes, explained to the citizen next to each question: drawing representative citizen
panels (sortition quotas) and re-weighting consultation results to the population. Values are stable
slugs so that quotas, imports and exports can refer to them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    AGE_16_24 = "16-24", _("16 to 24")
    AGE_25_34 = "25-34", _("25 to 34")
    AGE_35_49 = "35-49", _("35 to 49")
    AGE_50_64 = "50-64", _("50 to 64")
    AGE_65_PLUS = "65+", _("65 and over")


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    OTHER = "other", _("Other / non-binary")


class Education(models.TextChoices):
    NONE = "none", _("No diploma or primary certificate")
    SECONDARY = "secondary", _("Lower secondary (brevet, CAP, BEP)")
    BAC = "bac", _("Baccalauréat or equivalent")
    HIGHER = "higher", _("Higher education (bac+2 or more)")


class SocioProfessional(models.TextChoices):
    """INSEE PCS 2020, first level, with the two groups of people without a professional activity."""

    FARMER = "farmer", _("Farmer")
    SELF_EMPLOYED = "self_employed", _("Craftsperson, shopkeeper, business owner")
    MANAGER = "manager", _("Manager, higher intellectual profession")
    INTERMEDIATE = "intermediate", _("Intermediate profession")
    EMPLOYEE = "employee", _("Employee")
    WORKER = "worker", _("Manual worker")
    RETIRED = "retired", _("Retired")
    INACTIVE = "inactive", _("Other without professional activity (student, job seeker…)")


# Regions (slug, name) and their départements (code, name). Source: INSEE, Code officiel géographique 2024.
REGIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "auvergne-rhone-alpes": ("Auvergne-Rhône-Alpes", [
        ("01", "Ain"), ("03", "Allier"), ("07", "Ardèche"), ("15", "Cantal"), ("26", "Drôme"),
        ("38", "Isère"), ("42", "Loire"), ("43", "Haute-Loire"), ("63", "Puy-de-Dôme"), ("69", "Rhône"),
        ("73", "Savoie"), ("74", "Haute-Savoie")]),
    "bourgogne-franche-comte": ("Bourgogne-Franche-Comté", [
        ("21", "Côte-d'Or"), ("25", "Doubs"), ("39", "Jura"), ("58", "Nièvre"), ("70", "Haute-Saône"),
        ("71", "Saône-et-Loire"), ("89", "Yonne"), ("90", "Territoire de Belfort")]),
    "bretagne": ("Bretagne", [
        ("22", "Côtes-d'Armor"), ("29", "Finistère"), ("35", "Ille-et-Vilaine"), ("56", "Morbihan")]),
    "centre-val-de-loire": ("Centre-Val de Loire", [
        ("18", "Cher"), ("28", "Eure-et-Loir"), ("36", "Indre"), ("37", "Indre-et-Loire"),
        ("41", "Loir-et-Cher"), ("45", "Loiret")]),
    "corse": ("Corse", [("2A", "Corse-du-Sud"), ("2B", "Haute-Corse")]),
    "grand-est": ("Grand Est", [
        ("08", "Ardennes"), ("10", "Aube"), ("51", "Marne"), ("52", "Haute-Marne"),
        ("54", "Meurthe-et-Moselle"), ("55", "Meuse"), ("57", "Moselle"), ("67", "Bas-Rhin"),
        ("68", "Haut-Rhin"), ("88", "Vosges")]),
    "hauts-de-france": ("Hauts-de-France", [
        ("02", "Aisne"), ("59", "Nord"), ("60", "Oise"), ("62", "Pas-de-Calais"), ("80", "Somme")]),
    "ile-de-france": ("Île-de-France", [
        ("75", "Paris"), ("77", "Seine-et-Marne"), ("78", "Yvelines"), ("91", "Essonne"),
        ("92", "Hauts-de-Seine"), ("93", "Seine-Saint-Denis"), ("94", "Val-de-Marne"), ("95", "Val-d'Oise")]),
    "normandie": ("Normandie", [
        ("14", "Calvados"), ("27", "Eure"), ("50", "Manche"), ("61", "Orne"), ("76", "Seine-Maritime")]),
    "nouvelle-aquitaine": ("Nouvelle-Aquitaine", [
        ("16", "Charente"), ("17", "Charente-Maritime"), ("19", "Corrèze"), ("23", "Creuse"),
        ("24", "Dordogne"), ("33", "Gironde"), ("40", "Landes"), ("47", "Lot-et-Garonne"),
        ("64", "Pyrénées-Atlantiques"), ("79", "Deux-Sèvres"), ("86", "Vienne"), ("87", "Haute-Vienne")]),
    "occitanie": ("Occitanie", [
        ("09", "Ariège"), ("11", "Aude"), ("12", "Aveyron"), ("30", "Gard"), ("31", "Haute-Garonne"),
        ("32", "Gers"), ("34", "Hérault"), ("46", "Lot"), ("48", "Lozère"), ("65", "Hautes-Pyrénées"),
        ("66", "Pyrénées-Orientales"), ("81", "Tarn"), ("82", "Tarn-et-Garonne")]),
    "pays-de-la-loire": ("Pays de la Loire", [
        ("44", "Loire-Atlantique"), ("49", "Maine-et-Loire"), ("53", "Mayenne"), ("72", "Sarthe"),
        ("85", "Vendée")]),
    "provence-alpes-cote-d-azur": ("Provence-Alpes-Côte d'Azur", [
        ("04", "Alpes-de-Haute-Provence"), ("05", "Hautes-Alpes"), ("06", "Alpes-Maritimes"),
        ("13", "Bouches-du-Rhône"), ("83", "Var"), ("84", "Vaucluse")]),
    "outre-mer": ("Outre-mer (DROM)", [
        ("971", "Guadeloupe"), ("972", "Martinique"), ("973", "Guyane"), ("974", "La Réunion"),
        ("976", "Mayotte")]),
}  # fmt: skip

DEPARTEMENT_TO_REGION: dict[str, str] = {
    code: region for region, (_name, deps) in REGIONS.items() for code, _dep in deps
}
DEPARTEMENT_CHOICES: list[tuple[str, str]] = sorted(
    ((code, f"{code} — {name}") for _r, (_n, deps) in REGIONS.items() for code, name in deps),
    key=lambda choice: choice[0],
)
REGION_CHOICES: list[tuple[str, str]] = [(slug, name) for slug, (name, _deps) in REGIONS.items()]

# The strata a profile can carry, in the order forms and exports show them.
STRATA_FIELDS = ("age_band", "gender", "region", "education", "socio_professional")

# Every value a profile stratum can hold, with its label, per category.
STRATA_VALUES: dict[str, list[tuple[str, str]]] = {
    "departement": DEPARTEMENT_CHOICES,
    "age_band": list(AgeBand.choices),
    "gender": list(Gender.choices),
    "region": REGION_CHOICES,
    "education": list(Education.choices),
    "socio_professional": list(SocioProfessional.choices),
}


def category_label(category: str) -> str:
    """The one mapping from a stratum's code to words, used by every page that shows strata (profiles,
    quotas, draw reports, results, syntheses): "age_band" reads "age band" / "tranche d'âge". A category
    that is not a profile question (an organiser's import may bring its own) keeps its name."""
    from django.core.exceptions import FieldDoesNotExist

    from .models import Profile

    try:
        return str(Profile._meta.get_field(category).verbose_name)
    except FieldDoesNotExist:
        return category


def value_label(category: str, value: str) -> str:
    """The same for a value of the category: ("age_band", "16-24") reads "16 to 24" / "16 à 24 ans",
    ("education", "bac") "Baccalauréat or equivalent". A value the profile does not know keeps its text."""
    return str(dict(STRATA_VALUES.get(category, [])).get(value, value))


def stratum_label(category: str, value: str) -> str:
    """A category and its value in words, as one phrase: "Age band: 16 to 24"."""
    from django.utils.translation import gettext

    # The same sentence as elsewhere "a label: its value" (French puts a no-break space before the colon).
    return gettext("%(label)s: %(value)s") % {
        "label": category_label(category).capitalize(),
        "value": value_label(category, value),
    }
