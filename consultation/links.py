"""What `consultation` shows on pages of the layer below (through `accounts.hooks`): the *My contributions*
section of *My account*, and the wording of charter consents in its consent history."""

import re

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Answer, Consultation, Proposal

_CHARTER_VERSION = re.compile(r"^(?P<slug>[-\w]+):v(?P<n>\d+)$")


def account_section(user) -> dict:
    """One line per consultation the person took part in (their proposals and answers), each with a link
    to *My contributions*, where they see what became of them; a single link when they have none yet."""
    mine = reverse("consultation:mine")
    proposals = dict(
        Proposal.objects.filter(author=user)
        .order_by()
        .values("consultation_id")
        .annotate(n=Count("id"))
        .values_list("consultation_id", "n")
    )
    answers = dict(
        Answer.objects.filter(user=user)
        .order_by()
        .values("question__consultation_id")
        .annotate(n=Count("id"))
        .values_list("question__consultation_id", "n")
    )
    items = []
    for consultation in Consultation.objects.filter(pk__in=set(proposals) | set(answers)):
        parts = []
        if proposals.get(consultation.pk):
            n = proposals[consultation.pk]
            parts.append(ngettext("%(n)d proposal", "%(n)d proposals", n) % {"n": n})
        if answers.get(consultation.pk):
            n = answers[consultation.pk]
            parts.append(
                ngettext("%(n)d answer to the questionnaire", "%(n)d answers to the questionnaire", n)
                % {"n": n}
            )
        items.append(
            {
                "label": consultation.title,
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
    parsed = {code: match for code in versions if (match := _CHARTER_VERSION.match(code))}
    titles = {
        c.slug: c.title for c in Consultation.objects.filter(slug__in={m["slug"] for m in parsed.values()})
    }
    return {
        code: {
            "subject": titles.get(match["slug"], match["slug"]),
            "version": _("version %(n)s") % {"n": match["n"]},
        }
        for code, match in parsed.items()
    }
