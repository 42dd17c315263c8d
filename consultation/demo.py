"""Demo contributions for the health-data donation consultation: pseudonymous demo participants with
profile strata, their answers, proposals and votes. The texts are hand-written contributions on the real
sub-topics of the debate (``demo_texts``): each proposal text is used once, a few are in English, and
one campaign text is pasted by many participants.

Deterministic (seeded) and idempotent: a second run finds the demo participants and adds nothing.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, User
from accounts.strata import DEPARTEMENT_TO_REGION, AgeBand, Education, Gender, SocioProfessional

from . import services
from .demo_texts import CAMPAIGN, CAMPAIGN_THEME, ENGLISH, ENGLISH_THEMES, VOICES
from .models import Answer, Consultation, Proposal, Question, Vote

DEMO_DOMAIN = "participants.demo.pacte.localhost"

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


@transaction.atomic
def load_demo_contributions(consultation: Consultation, *, participants: int = 160, seed: int = 2026) -> dict:
    if User.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists():
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
                answer_map[q.pk] = picked or [choices[0].pk]
        for index, q in enumerate(open_questions):
            if rng.random() < 0.45:
                answer_map[q.pk] = _answer(rng, rng.choice(OPEN_ANSWER_THEMES.get(index, list(VOICES))))
        answers += services.save_answers(user=user, consultation=consultation, answers=answer_map)
        for _ in range(rng.choices([0, 1, 2], weights=[3, 5, 2])[0]):
            if not unused:
                break
            theme, text = unused.pop()
            proposal = services.submit_proposal(user=user, consultation=consultation, text=text)
            proposal._theme = theme
            proposals.append(proposal)
        if campaign_copies and rng.random() < 0.3:
            # The campaign, pasted as it was circulated (some keep the signature line, some not).
            text = CAMPAIGN + rng.choice(
                ["", "", "\n\nCollectif Mes données, mon choix", " Signé : un patient."]
            )
            campaign_copies -= 1
            proposal = services.submit_proposal(user=user, consultation=consultation, text=text)
            proposal._theme = CAMPAIGN_THEME
            proposals.append(proposal)

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

    # Spread the activity over the last three weeks so "participation over time" has a shape.
    for user in users:
        when = now - timedelta(days=rng.betavariate(1.2, 2.5) * 21, minutes=rng.randint(0, 600))
        Proposal.objects.filter(author=user, consultation=consultation).update(created_at=when)
        Answer.objects.filter(user=user, question__consultation=consultation).update(created_at=when)
        Vote.objects.filter(user=user).update(created_at=when, updated_at=when)
    return {"participants": len(users), "proposals": len(proposals), "answers": answers, "votes": votes}
