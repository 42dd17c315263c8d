"""The demo's decision-makers' answers (``manage.py load_answers_demo``, a step of ``make demo`` after the
synthesis is published): a stated answer rule and a few answers to the consultation's proposals and
themes, through the services, so a newcomer sees the follow-up page's per-source table filled and the
demo citizen hears of an answer to their own proposal in their digest."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from consultation import answers
from consultation.demo import DEMO_CITIZEN
from consultation.models import Proposal, ProposalAnswer

from .models import Theme, ThemeAnswer
from .theme_answers import published_entries, record_theme_answer

DEMO_ORGANISER = "organisatrice@demo.pacte.localhost"

#: (status, decision-maker, body, justification, implementation deadline in days or None)
PROPOSAL_ANSWERS = [
    ("adopted", "Ministère de la santé", "Direction générale de la santé",
     "La proposition est reprise telle quelle : le registre national des refus sera consultable en ligne "
     "par chaque personne, avec l'historique des accès à ses données.", 180),
    ("partly_adopted", "Ministère de la santé", "Health Data Hub",
     "Nous retenons la publication de la liste des projets qui réutilisent les données. La rémunération "
     "des donneurs n'est pas retenue : le don reste gratuit, comme le prévoit le code de la santé "
     "publique.", 120),
    ("rejected", "Ministère de la santé", "Direction générale de la santé",
     "Un consentement renouvelé chaque année alourdirait la démarche sans protéger davantage : chacun "
     "peut déjà retirer son accord à tout moment, en un clic, depuis son espace santé.", None),
    ("under_study", "CNIL", "Service de l'expertise technologique",
     "La proposition est à l'étude avec les hôpitaux : une réponse motivée sera publiée avant la fin du "
     "trimestre.", None),
]  # fmt: skip

THEME_ANSWERS = [
    ("adopted", "Ministère de la santé", "Direction générale de la santé",
     "Ce thème, le plus partagé de la consultation, fera l'objet d'une campagne d'information nationale "
     "et d'un guide rédigé avec des associations de patients.", 240),
    ("partly_adopted", "Ministère de la santé", "Délégation au numérique en santé",
     "Les comptes rendus des comités d'accès aux données seront publiés. Un droit de veto citoyen sur "
     "chaque projet n'est pas retenu, mais deux citoyens tirés au sort siégeront au comité.", 365),
]  # fmt: skip


def _deadline(today: dt.date, days: int | None) -> dt.date | None:
    return today + dt.timedelta(days=days) if days else None


@transaction.atomic
def load_answers_demo(consultation) -> dict:
    """State the answer rule and answer a few proposals (the demo citizen's first one included) and the
    largest published themes. Idempotent: nothing is added once the consultation has an answer (or
    without the demo organiser's account, or before the synthesis is published)."""
    organiser = User.objects.filter(email=DEMO_ORGANISER).first()
    published, entries = published_entries(consultation)
    if organiser is None or published is None:
        return {"proposals": 0, "themes": 0}
    if (
        ProposalAnswer.objects.filter(proposal__consultation=consultation).exists()
        or ThemeAnswer.objects.filter(theme__run__consultation=consultation).exists()
    ):
        return {"proposals": 0, "themes": 0}
    today = timezone.localdate()
    answers.save_answer_policy(
        actor=organiser, consultation=consultation, proposals_required=True, proposal_min_agree_percent=60,
        proposal_min_votes=5, themes_required=True, theme_min_percent=10,
        answers_due_on=today + dt.timedelta(days=60),
    )  # fmt: skip
    policy = answers.policy_for(consultation)
    visible = consultation.proposals.filter(status=Proposal.Status.VISIBLE).order_by("-agree_count", "id")
    mine = visible.filter(author__email=DEMO_CITIZEN).order_by("id").first()
    chosen = [mine] if mine else []
    chosen += [p for p in visible[:200] if answers.proposal_is_required(policy, p) and p != mine]
    answered_proposals = 0
    for proposal, (status, who, body, why, days) in zip(chosen, PROPOSAL_ANSWERS, strict=False):
        steps = [("Présentation du calendrier au comité de suivi", _deadline(today, 30))] if days else []
        answers.record_proposal_answer(
            actor=organiser, proposal=proposal, decision_maker=who, body=body, status=status,
            justification=why, answered_on=today, implementation_deadline=_deadline(today, days),
            milestones=steps,
        )  # fmt: skip
        answered_proposals += 1
    largest = sorted(entries.items(), key=lambda item: -(item[1].get("share") or 0))
    answered_themes = 0
    for (theme_id, _entry), (status, who, body, why, days) in zip(largest, THEME_ANSWERS, strict=False):
        record_theme_answer(
            actor=organiser, theme=Theme.objects.get(pk=theme_id), decision_maker=who, body=body,
            status=status, justification=why, answered_on=today,
            implementation_deadline=_deadline(today, days),
        )  # fmt: skip
        answered_themes += 1
    return {"proposals": answered_proposals, "themes": answered_themes}
