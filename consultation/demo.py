"""Demo contributions for the health-data donation consultation: pseudonymous demo participants with
profile strata, their answers, proposals and votes. Texts are assembled from varied French phrasings
about the real sub-topics of the debate, so that the analysis layer finds themes in them.

Deterministic (seeded) and idempotent: a second run finds the demo participants and adds nothing.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, User
from accounts.strata import DEPARTEMENT_TO_REGION, AgeBand, Education, Gender, SocioProfessional

from . import services
from .models import Answer, Consultation, Proposal, Question, Vote

DEMO_DOMAIN = "participants.demo.pacte.localhost"
# The demo citizen account (accounts' `create_demo_accounts`): it gets contributions of its own, so that
# *My contributions* is full after `make demo`.
DEMO_CITIZEN = "citoyenne@demo.pacte.localhost"

# Sub-topic -> (core statements, how much demo participants tend to agree with them: 0..1)
THEMES: dict[str, tuple[list[str], float]] = {
    "registre": ([
        "le registre des refus doit être accessible en ligne, chez le médecin et par courrier",
        "l'inscription au registre national des refus doit prendre moins de deux minutes",
        "on doit pouvoir sortir du registre des refus aussi facilement qu'on y entre",
        "chaque personne doit recevoir une confirmation écrite de son inscription au registre des refus",
        "le registre des refus doit être consultable par chacun pour vérifier son propre statut",
        "les personnes sans internet doivent pouvoir refuser le don de leurs données au guichet",
    ], 0.8),
    "consentement": ([
        "le consentement doit être modulable\u00a0: oui pour la recherche publique, non pour les entreprises",
        "je veux pouvoir choisir usage par usage à quoi servent mes données de santé",
        "un tableau de bord dans Mon Espace Santé doit permettre de cocher les usages acceptés",
        "le don par défaut ne doit concerner que la recherche publique, le reste sur consentement explicite",
        "on doit pouvoir retirer son consentement à tout moment sans avoir à se justifier",
        "le consentement doit pouvoir être différent pour l'entraînement des intelligences artificielles",
    ], 0.75),
    "prive": ([
        "les entreprises privées ne doivent pas accéder aux données de santé sans contrepartie publique",
        "les laboratoires pharmaceutiques qui utilisent nos données doivent reverser une part des bénéfices",
        "l'accès des assureurs et des mutuelles aux données de santé doit être strictement interdit",
        "les start-up de la santé devraient accéder aux données seulement via des projets validés publiquement",
        "aucune donnée de santé ne doit servir à la publicité ou au marketing",
        "les entreprises qui utilisent les données doivent publier les résultats de leurs recherches",
    ], 0.6),
    "souverainete": ([
        "les données de santé doivent être hébergées en France ou en Europe sur un cloud souverain",
        "aucun hébergeur soumis au Cloud Act américain ne doit stocker nos données de santé",
        "les acteurs étrangers hors Union européenne ne doivent pas accéder aux données de santé",
        "l'hébergement des données de santé doit être certifié et contrôlé régulièrement",
        "le Health Data Hub doit quitter les serveurs d'une entreprise américaine",
        "les données doivent rester sur le territoire européen, même pour les collaborations internationales",
    ], 0.85),
    "information": ([
        "il faut une grande campagne nationale d'information, comme les antibiotiques c'est pas automatique",
        "le médecin traitant doit expliquer le don de données à chaque patient",
        "l'information doit être rédigée en langage simple et traduite pour tous les publics",
        "chacun doit recevoir un courrier expliquant le don par défaut avant son entrée en vigueur",
        "les pharmacies pourraient distribuer une information claire sur le don de données de santé",
        "il faut informer dans les écoles et les lycées sur l'usage des données de santé",
    ], 0.85),
    "transparence": ([
        "je veux voir dans Mon Espace Santé quels projets ont utilisé mes données",
        "chaque année, un rapport public doit lister les projets de recherche et leurs résultats",
        "il faut montrer des retours concrets\u00a0: quelles découvertes ont été permises par nos données",
        "un registre public des accès aux données doit indiquer qui, quand et pourquoi",
        "chaque citoyen devrait recevoir des nouvelles des recherches auxquelles ses données ont contribué",
    ], 0.8),
    "gouvernance": ([
        "des citoyens tirés au sort doivent siéger dans les comités qui autorisent l'accès aux données",
        "les associations de patients doivent participer aux décisions sur l'accès aux données",
        "une consultation citoyenne doit avoir lieu régulièrement sur la stratégie nationale des données",
        "les élus locaux doivent être associés à la gouvernance des données de santé dans les territoires",
        "un comité indépendant doit pouvoir suspendre un projet qui détourne les données",
    ], 0.7),
    "securite": ([
        "les données doivent être pseudonymisées avant tout usage pour la recherche",
        "toute fuite de données de santé doit être sanctionnée lourdement",
        "il faut des audits de sécurité publics sur les bases de données de santé",
        "les chercheurs ne doivent travailler que dans des espaces sécurisés sans copie des données",
        "le risque de réidentification doit être évalué avant chaque partage",
    ], 0.85),
    "equite": ([
        "les territoires ruraux et d'outre-mer doivent être bien représentés dans les données",
        "la recherche doit aussi porter sur les maladies rares et les publics vulnérables",
        "les bénéfices des données doivent profiter à tous, pas seulement aux grandes villes",
        "les personnes âgées et éloignées du numérique ne doivent pas être oubliées",
        "les femmes sont sous-représentées dans les études\u00a0: les données doivent corriger ce biais",
    ], 0.75),
    "refus": ([
        "le don par défaut n'est pas un vrai consentement, il faut un accord explicite",
        "je refuse que mes données de santé soient utilisées sans mon accord préalable",
        "le parallèle avec le don d'organes est trompeur\u00a0: les données peuvent être revendues",
        "le don par défaut risque de profiter surtout aux géants du numérique",
    ], 0.35),
}  # fmt: skip

OPENERS = [
    "", "Je propose que ", "Il faudrait que ", "Pour moi, ", "Proposition\u00a0: ", "À mon avis, ",
    "Il est indispensable que ", "Je souhaite que ", "Nous demandons que ", "Condition essentielle\u00a0: ",
]  # fmt: skip
ENDINGS = [
    ".", ".", ".", "\u00a0: c'est une question de confiance.", ", sinon je m'inscrirai sur le registre des refus.",
    " pour que le don par défaut soit acceptable.", ", c'est le minimum.", " et ce dès le lancement.",
    ", comme le recommande le rapport de l'APRS.", "\u00a0; la confiance ne se décrète pas.",
]  # fmt: skip

OPEN_ANSWER_THEMES = {
    0: ["souverainete", "prive", "securite", "transparence", "refus"],  # trust or refuse
    1: ["information", "transparence"],  # information expected
    2: ["gouvernance", "equite"],  # governance
    3: ["prive", "refus", "souverainete"],  # uses to forbid
}


# Turning "doit/doivent" into the subjunctive after "que": only the forms the statements use.
_SUBJUNCTIVE = {
    " ne doit pas ": " ne puisse pas ", " ne doivent pas ": " ne puissent pas ",
    " doit être ": " soit ", " doivent être ": " soient ", " doit pouvoir ": " puisse ",
    " doivent pouvoir ": " puissent ", " doivent ": " soient tenus de ", " doit ": " soit tenu de ",
}  # fmt: skip


def _sentence(rng: random.Random, theme: str) -> str:
    core = rng.choice(THEMES[theme][0])
    opener = rng.choice(OPENERS)
    if opener.endswith("que "):
        form = next((k for k in _SUBJUNCTIVE if k in f" {core} "), None)
        if form is None or core.startswith(("je ", "il ", "on ", "chaque", "un ", "une ", "aucun")):
            opener = rng.choice([o for o in OPENERS if not o.endswith("que ")])
        else:
            core = f" {core} ".replace(form, _SUBJUNCTIVE[form], 1).strip()
            if core[0] in "aeiouéèêh" and opener:
                opener = opener[:-2] + "'"
    text = opener + core if opener else core[0].upper() + core[1:]
    return text + rng.choice(ENDINGS)


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
            answer_map[question.pk] = _sentence(rng, theme)
            open_index += 1
        else:
            answer_map[question.pk] = [list(question.choices.all())[0].pk]
    services.save_answers(user=citizen, consultation=consultation, answers=answer_map)
    mine = []
    for theme in ("registre", "transparence"):
        try:
            mine.append(
                services.submit_proposal(
                    user=citizen, consultation=consultation, text=_sentence(rng, theme), language="fr"
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
                theme = rng.choice(OPEN_ANSWER_THEMES.get(index, list(THEMES)))
                answer_map[q.pk] = " ".join(_sentence(rng, theme) for _ in range(rng.randint(1, 2)))
        answers += services.save_answers(user=user, consultation=consultation, answers=answer_map)
        for _ in range(rng.choices([0, 1, 2, 3], weights=[2, 4, 3, 1])[0]):
            theme = rng.choice(list(THEMES))
            text = _sentence(rng, theme)
            try:
                proposal = services.submit_proposal(user=user, consultation=consultation, text=text)
            except services.Conflict:
                continue
            proposal._theme = theme
            proposals.append(proposal)

    # The demo citizen's own, among the others (they get votes too).
    proposals.extend(demo_citizen_contributions(consultation))

    votes = 0
    for user in users:
        lean = leaning[user.pk]
        for proposal in rng.sample(proposals, k=min(len(proposals), rng.randint(5, 40))):
            if proposal.author_id == user.pk:
                continue
            agree_rate = THEMES[proposal._theme][1]
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
