"""What `consultation` shows on pages of the layer below (through `accounts.hooks`): the *My contributions*
section of *My account*, and the wording of charter consents in its consent history."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors
from .languages import fallback_language
from .models import Consultation


def account_section(user) -> dict:
    """One line per consultation the person took part in (their proposals and answers), each with a link
    to *My contributions*, where they see what became of them; a single link when they have none yet."""
    mine = reverse("consultation:mine")
    counts = selectors.contribution_counts(user)
    items = []
    for consultation in Consultation.objects.filter(pk__in=counts):
        n_proposals, n_answers = counts[consultation.pk]["proposals"], counts[consultation.pk]["answers"]
        parts = []
        if n_proposals:
            parts.append(ngettext("%(n)d proposal", "%(n)d proposals", n_proposals) % {"n": n_proposals})
        if n_answers:
            parts.append(
                ngettext("%(n)d answer to the questionnaire", "%(n)d answers to the questionnaire", n_answers)
                % {"n": n_answers}
            )
        items.append(
            {
                "label": consultation.title,
                "language": fallback_language(consultation, "title"),  # marked when not the page's
                "url": reverse("consultation:detail", args=[consultation.slug]),
                "state": ", ".join(parts),
                "action_label": _("See what became of them"),
                "action_url": mine,
            }
        )
    if not items:
        items.append(
            {
                "label": _("My contributions"),
                "url": mine,
                "state": _(
                    "none yet: your proposals and answers, and what becomes of them, will be listed there."
                ),
            }
        )
    return {"title": _("My contributions"), "items": items}


def charter_consent_wording(versions: list[str]) -> dict[str, dict]:
    """`<slug>:v<n>` (what accepting a consultation's charter records) in words: the consultation's title
    and "version n"."""
    parsed = {code: found for code in versions if (found := Consultation.parse_charter_consent_version(code))}
    titles = {
        c.slug: (c.title, fallback_language(c, "title"))
        for c in Consultation.objects.filter(slug__in={slug for slug, _n in parsed.values()})
    }
    return {
        code: {
            "subject": titles.get(slug, (slug, ""))[0],
            "language": titles.get(slug, (slug, ""))[1],  # the title's, when not the page's
            "version": _("version %(n)s") % {"n": n},
        }
        for code, (slug, n) in parsed.items()
    }
