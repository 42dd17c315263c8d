"""The panels' texts as the public reads them: what a page, an e-mail or the layers above may show of what a
panel member, a facilitator or an organiser wrote.

A recommendation (title, text, rationale, each version), an amendment (its text, its explanation, the
reason of the decision on it), a decision-maker's answer (its justification) and the milestones promised
in it are published through the one exit, ``consultation.publish`` (``register_texts`` below declares
their fields, in ``DeliberationConfig.ready``): phone numbers, NIR, e-mails, IBAN, addresses replaced by
placeholders, controls and bidirectional overrides removed, and a text that reveals someone's health
withheld, a notice saying so in its place. Every public page of the panels and every notice gets the
objects from here (``published`` copies), never the rows themselves; the stored text stays as written.

Not through the exit, by design: what the organisers write as the panel's institutional frame (the panel's
title, topic and description, a session's title and place, agenda items, documents' titles: a session's
place is an address meant to be published) and the decision-maker's name and body (an official's).
Session minutes are never published (the panel's team's console only). The panel's team's own pages
(facilitation, console, management, the forms) show the stored text: whoever edits reads what was written.
"""

from dataclasses import replace

from django.utils.functional import lazy
from django.utils.translation import gettext as _

from consultation.publish import published, published_all, register_published_text, shown_text

from .models import Amendment, Recommendation, RecommendationVersion
from .rules import SessionPhase

__all__ = [
    "register_texts",
    "public_recommendation",
    "public_recommendations",
    "public_responses",
    "public_amendments",
    "public_versions",
    "public_follow_ups",
    "public_title",
    "checkin_code_note",
]


def _recommendation_number(recommendation):
    """A withheld title reads as the recommendation's number, in the reader's language when shown."""
    return lazy(lambda: _("Recommendation no. %(n)s") % {"n": recommendation.pk}, str)()


def _version_number(version):
    return lazy(lambda: _("Recommendation no. %(n)s") % {"n": version.recommendation_id}, str)()


def register_texts() -> None:
    """Declare the panels' published texts to the one exit (``DeliberationConfig.ready``). The answers
    (``consultation.models.AnswerRecord``: the justification) and their milestones are declared by the
    consultation layer, whose models they extend."""
    register_published_text(
        Recommendation, "text", "title", "rationale", related=("responses",),
        withheld={"title": _recommendation_number},
    )  # fmt: skip
    register_published_text(
        RecommendationVersion, "text", "title", "rationale", withheld={"title": _version_number}
    )
    register_published_text(Amendment, "text", "explanation", "reason")


def public_recommendation(recommendation: Recommendation) -> Recommendation:
    """The recommendation for its page: title, text, rationale public; its answers (and their
    milestones) published copies too."""
    return published(recommendation)


def public_recommendations(recommendations) -> list[Recommendation]:
    """Recommendations for a public list (their answers prefetched, or one query each)."""
    return published_all(recommendations)


def public_title(recommendation: Recommendation) -> str:
    """The title alone (a label in a list of another layer), public or the recommendation's number."""
    return shown_text(recommendation, "title")


def public_responses(responses) -> list:
    """The decision-makers' answers: the justification public, and the milestones' title and reason."""
    return published_all(responses)


def public_amendments(amendments) -> list[Amendment]:
    """Amendments keep the per-amendment forms the page attached to them (``decision_form``)."""
    return published_all(amendments)


def public_versions(rows) -> list:
    """``selectors.VersionRow``s with the version's texts public."""
    return [replace(row, version=published(row.version)) for row in rows]


def public_follow_ups(follow_ups) -> list:
    """``selectors.FollowUp``s for the follow-up page: the recommendation and its answer in force public."""
    return [
        replace(
            f,
            recommendation=published(f.recommendation),
            latest=published(f.latest),
            first_answer=published(f.first_answer),
        )  # fmt: skip
        for f in follow_ups
    ]


# --------------------------------------------------------------------------------------------------
# Sessions: what stands in the place of the check-in code once it no longer works
# --------------------------------------------------------------------------------------------------


def checkin_code_note(phase: SessionPhase, *, team: bool) -> str:
    """What the facilitation page (`team`) or a member's schedule says in the code's place, for the
    session's phase (`rules.session_phase`; the code itself works only while it is live). A session to
    record was not held with its code, nor is it over: its team records it in its console, and a member
    who came asks them to record their presence."""
    if phase == SessionPhase.LIVE:
        return ""
    if phase == SessionPhase.TO_RECORD:
        return (
            _("No code: to record in its console") if team else _("No code: the facilitator records who came")
        )
    return _("Session over")


# --------------------------------------------------------------------------------------------------
# Chances of being drawn, as a citizen reads them
# --------------------------------------------------------------------------------------------------


def chance_words(probability: float) -> dict:
    """A selection probability as the report shows it: a percentage with one decimal and "about 1 chance
    in N", both from the same number (the percentage as shown), with one rounding rule (half up): N has one
    decimal under 10, none from 10 on. So two probabilities shown with the same percentage read the same
    chance, and 11.7 % and 11.8 % both read "1 chance in 8.5" (rounding 1/p to a whole number gave 9 and 8).
    `one_in` is None for a probability of zero. Both are localised strings ("11,7", "8,5" in French)."""
    from decimal import ROUND_HALF_UP, Decimal

    from django.utils.formats import number_format

    percent = (Decimal(repr(float(probability))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    one_in = None
    if percent > 0:
        ratio = Decimal(100) / percent
        places = Decimal("0.1") if ratio < 10 else Decimal(1)
        ratio = ratio.quantize(places, rounding=ROUND_HALF_UP)
        one_in = number_format(ratio, 1 if places < 1 and ratio != ratio.to_integral() else 0)
    return {"percent": number_format(percent, 1), "one_in": one_in}


def overdue_notice(follow_up, responses) -> dict | None:
    """Where the recommendation page says that something is overdue, with its subject, once: "no answer
    after 90 days" under the answers' heading; or, an implementation deadline passed, beside that
    deadline in the answer in force, unless a milestone of it already shows as late (its own badge
    says it there). ``{"reason": "no_answer"|"deadline", "response": pk or None}`` or None."""
    if follow_up is None or not follow_up.overdue:
        return None
    if follow_up.overdue_reason != "deadline":
        return {"reason": follow_up.overdue_reason, "response": None}
    latest = follow_up.latest
    if latest is None or any(m.is_late for m in latest.milestones.all()):
        return None
    return {"reason": "deadline", "response": latest.pk}
