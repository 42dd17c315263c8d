"""Demo contributions for the health-data donation consultation: pseudonymous demo participants with
profile strata, their answers, proposals and votes. The texts are hand-written contributions on the real
sub-topics of the debate (``demo_texts``): each proposal text is used once, a few are in English, and
one campaign text is pasted by many participants.

Deterministic (seeded) and idempotent: a second run finds the demo participants and adds nothing.
"""

import random

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Profile, User
from accounts.strata import DEPARTEMENT_TO_REGION, AgeBand, Education, Gender, SocioProfessional

from . import services
from .demo_texts import CAMPAIGN, CAMPAIGN_THEME, ENGLISH, ENGLISH_THEMES, VOICES
from .models import Answer, Consultation, Proposal, Question, Vote

DEMO_DOMAIN = "participants.demo.pacte.localhost"
# The demo citizen account (accounts' `create_demo_accounts`): it gets contributions of its own, so that
# *My contributions* is full after `make demo`.
DEMO_CITIZEN = "citoyenne@demo.pacte.localhost"

# How much demo participants tend to agree with the proposals of each sub-topic (0..1); what they write
# is in ``demo_texts``.
AGREEMENT = {
    "registre": 0.8,
    "consentement": 0.75,
    "prive": 0.6,
    "souverainete": 0.85,
    "information": 0.85,
    "transparence": 0.8,
    "gouvernance": 0.7,
    "securite": 0.85,
    "equite": 0.75,
    "refus": 0.35,
}

OPEN_ANSWER_THEMES = {
    0: ["souverainete", "prive", "securite", "transparence", "refus"],  # trust or refuse
    1: ["information", "transparence"],  # information expected
    2: ["gouvernance", "equite"],  # governance
    3: ["prive", "refus", "souverainete"],  # uses to forbid
}
CAMPAIGN_COPIES = 24


def demo_language(text: str) -> str:
    """The language a demo text is written in: known, since the demo's texts are hand-written (the
    ``ENGLISH`` ones in English, every other in French), as a citizen's interface language would say."""
    return "en" if text in _ENGLISH_TEXTS else "fr"


_ENGLISH_TEXTS = frozenset(ENGLISH)


def record_demo_languages(consultation: Consultation) -> int:
    """Give the demo participants' proposals loaded before languages were recorded their language (so
    `make demo` over an older database marks the English ones too). Only demo texts: nothing is guessed.
    Returns how many proposals changed."""
    blank = Proposal.objects.filter(
        consultation=consultation, language="", author__email__endswith="@" + DEMO_DOMAIN
    )
    english = blank.filter(text__in=ENGLISH).update(language="en")
    return english + blank.update(language="fr")


def _answer(rng: random.Random, theme: str) -> str:
    """An open answer: one or two things a participant wrote on the sub-topic."""
    texts = rng.sample(VOICES[theme], k=rng.choice([1, 1, 2]))
    return " ".join(texts)


def _profile(rng: random.Random) -> dict[str, str]:
    departement = rng.choice(sorted(DEPARTEMENT_TO_REGION))
    strata = {
        "age_band": rng.choice(AgeBand.values),
        "gender": rng.choices(Gender.values, weights=[49, 49, 2])[0],
        "departement": departement,
        "education": rng.choice(Education.values),
        "socio_professional": rng.choice(SocioProfessional.values),
    }
    # Some people leave some answers blank, as real profiles do.
    for key in list(strata):
        if rng.random() < 0.12:
            strata[key] = ""
    return strata


def demo_citizen_contributions(consultation: Consultation, *, seed: int = 2027) -> list[Proposal]:
    """The demo citizen's own contributions, through the services: the charter, answers to every
    question (the open ones too), two proposals, a dozen votes on other people's proposals and a report.
    Idempotent: nothing is added once the demo citizen has a proposal here (or without that account)."""
    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    if citizen is None or Proposal.objects.filter(consultation=consultation, author=citizen).exists():
        return []
    rng = random.Random(seed)
    services.accept_charter(user=citizen, consultation=consultation)
    answer_map: dict[int, list[int] | str] = {}
    open_index = 0
    for question in consultation.questions.prefetch_related("choices"):
        if question.kind == Question.Kind.OPEN:
            theme = OPEN_ANSWER_THEMES.get(open_index, ["information"])[0]
            answer_map[question.pk] = _answer(rng, theme)
            open_index += 1
        else:
            answer_map[question.pk] = [list(question.choices.all())[0].pk]
    services.save_answers(user=citizen, consultation=consultation, answers=answer_map)
    mine = []
    for theme in ("registre", "transparence"):
        try:
            mine.append(
                services.submit_proposal(
                    user=citizen, consultation=consultation, text=rng.choice(VOICES[theme]), language="fr"
                )
            )
        except services.Conflict:
            continue
        mine[-1]._theme = theme
    others = list(
        consultation.proposals.filter(status=Proposal.Status.VISIBLE).exclude(author=citizen).order_by("id")
    )
    for proposal in rng.sample(others, k=min(12, len(others))):
        services.cast_vote(
            user=citizen, proposal=proposal, value=rng.choice(["agree", "agree", "disagree", "pass"])
        )
    if others:
        services.report_proposal(
            user=citizen, proposal=others[-1], reason="Cette proposition répète une autre mot pour mot."
        )
    return mine


@transaction.atomic
def load_demo_contributions(consultation: Consultation, *, participants: int = 160, seed: int = 2026) -> dict:
    if User.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists():
        demo_citizen_contributions(consultation)  # a demo loaded before the citizen had contributions
        record_demo_languages(consultation)  # a demo loaded before proposals recorded their language
        return {"participants": 0, "proposals": 0, "answers": 0, "votes": 0}
    rng = random.Random(seed)
    now = timezone.now()
    questions = list(consultation.questions.prefetch_related("choices"))
    open_questions = [q for q in questions if q.kind == Question.Kind.OPEN]
    users = []
    for i in range(participants):
        user = User.objects.create_user(email=f"demo-{i:03d}@{DEMO_DOMAIN}", password=None)
        profile = Profile(user=user, **_profile(rng))
        profile.derive_region()
        profile.save()
        services.accept_charter(user=user, consultation=consultation)
        users.append(user)

    # Each participant leans towards some themes; leaning drives their answers and votes.
    leaning = {u.pk: rng.random() for u in users}  # 0 = wary of data donation, 1 = enthusiastic
    proposals: list[Proposal] = []
    answers = 0
    # Every hand-written text once, in a seeded order; the English ones among them.
    unused = [(theme, text) for theme, texts in VOICES.items() for text in texts]
    unused += list(zip(ENGLISH_THEMES, ENGLISH, strict=True))
    rng.shuffle(unused)
    campaign_copies = CAMPAIGN_COPIES
    for user in users:
        lean = leaning[user.pk]
        answer_map: dict[int, list[int] | str] = {}
        for q in questions:
            choices = list(q.choices.all())
            if q.kind == Question.Kind.SCALE:
                centre = lean * 4 + rng.gauss(0, 0.9)
                answer_map[q.pk] = [choices[min(4, max(0, round(centre)))].pk]
            elif q.kind == Question.Kind.SINGLE:
                weights = [1 + 2 * lean, 1 + 2 * (1 - lean), 2.5, 0.4][: len(choices)]
                answer_map[q.pk] = [rng.choices(choices, weights=weights)[0].pk]
            elif q.kind == Question.Kind.MULTIPLE:
                picked = [
                    c.pk for j, c in enumerate(choices) if rng.random() < (0.7 - 0.1 * j) * (0.5 + lean)
                ]
                alone = [c.pk for c in choices if c.exclusive]  # "None" ticked with others: left out
                if len(picked) > 1:
                    picked = [pk for pk in picked if pk not in alone]
                answer_map[q.pk] = picked or [choices[0].pk]
        for index, q in enumerate(open_questions):
            if rng.random() < 0.45:
                answer_map[q.pk] = _answer(rng, rng.choice(OPEN_ANSWER_THEMES.get(index, list(VOICES))))
        answers += services.save_answers(user=user, consultation=consultation, answers=answer_map).saved
        for _ in range(rng.choices([0, 1, 2], weights=[3, 5, 2])[0]):
            if not unused:
                break
            theme, text = unused.pop()
            proposal = services.submit_proposal(
                user=user, consultation=consultation, text=text, language=demo_language(text)
            )
            proposal._theme = theme
            proposals.append(proposal)
        if campaign_copies and rng.random() < 0.3:
            # The campaign, pasted as it was circulated (some keep the signature line, some not).
            text = CAMPAIGN + rng.choice(
                ["", "", "\n\nCollectif Mes données, mon choix", " Signé : un patient."]
            )
            campaign_copies -= 1
            proposal = services.submit_proposal(
                user=user, consultation=consultation, text=text, language="fr"
            )
            proposal._theme = CAMPAIGN_THEME
            proposals.append(proposal)

    # The demo citizen's own, among the others (they get votes too).
    proposals.extend(demo_citizen_contributions(consultation))

    votes = 0
    for user in users:
        lean = leaning[user.pk]
        for proposal in rng.sample(proposals, k=min(len(proposals), rng.randint(5, 40))):
            if proposal.author_id == user.pk:
                continue
            agree_rate = AGREEMENT[proposal._theme]
            if proposal._theme == "refus":
                agree_rate = 1 - lean * 0.8
            roll = rng.random()
            value = "pass" if roll < 0.1 else ("agree" if roll < 0.1 + 0.9 * agree_rate else "disagree")
            services.cast_vote(user=user, proposal=proposal, value=value)
            votes += 1

    # Spread the activity over the time the consultation has been open (months in the demo, whose
    # consultation opened first in its history: accounts/demo_clock.py), more of it lately, so
    # "participation over time" has a shape and nothing predates the opening.
    opened = (
        consultation.phase_changes.filter(to_phase=Consultation.Phase.OPEN)
        .values_list("created_at", flat=True)
        .first()
    ) or now
    for user in users:
        when = now - (now - opened) * rng.betavariate(1.2, 2.5)
        Proposal.objects.filter(author=user, consultation=consultation).update(created_at=when)
        Answer.objects.filter(user=user, question__consultation=consultation).update(created_at=when)
        Vote.objects.filter(user=user).update(created_at=when, updated_at=when)
    # Nobody voted on a proposal before it was written: such a vote is dated when the proposal was.
    written = Subquery(Proposal.objects.filter(pk=OuterRef("proposal_id")).values("created_at")[:1])
    Vote.objects.filter(proposal__consultation=consultation, created_at__lt=F("proposal__created_at")).update(
        created_at=written, updated_at=written
    )
    return {"participants": len(users), "proposals": len(proposals), "answers": answers, "votes": votes}
