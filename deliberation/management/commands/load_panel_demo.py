"""Demo content for the citizen panels: a panel on default health-data donation with a generated pool,
quotas from the French population shares, a fair draw, three sessions, recommendations voted by secret
ballot and decision-makers' answers (adoption rate near the ~80 % of the Assises citoyennes du numérique
en santé). Everything goes through the services, as a real organiser would do it."""

import random
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo_clock import DEMO_TIMELINE, SESSION_INTERVAL_DAYS, days_ago, demo_clock, on_day
from accounts.models import Profile, User
from accounts.platform import PlatformCommand
from accounts.roles import Role
from accounts.strata import DEPARTEMENT_TO_REGION, AgeBand, Education, Gender, SocioProfessional
from consultation.models import Consultation
from deliberation import services
from deliberation.models import Attendance, Panel, PanelMember, Recommendation, Selection

TITLE = "Assises citoyennes\u00a0: le don de données de santé par défaut"
POOL = 240
CONSULTATION = "data-donation"  # `load_consultation data-donation`, loaded before by `make demo`

# (title, text, rationale, answer status or None, (days from the vote to the answer, from the answer to the
# implementation deadline)): some measures done, one late, some due after the day the demo is loaded.
RECOMMENDATIONS = [
    ("Consentement présumé avec registre national des refus",
     "Les données de santé sont données par défaut à la recherche publique, comme pour le don "
     "d'organes\u00a0; chacun peut s'y opposer en s'inscrivant au registre national des refus.",
     "Le consentement présumé élargit les données utiles sans retirer la maîtrise à chacun.",
     "adopted", (45, 30)),
    ("Se retirer en un geste, partout",
     "L'inscription au registre des refus se fait en ligne (Mon Espace Santé), chez son médecin ou par "
     "courrier, en moins de cinq minutes, et peut être annulée à tout moment.",
     "Un droit de refus n'existe que s'il est facile à exercer, y compris hors ligne.", "adopted", (30, 45)),
    ("Consentement modulable par usage",
     "Chacun peut accepter ou refuser séparément\u00a0: recherche publique, recherche privée, entreprises, "
     "acteurs étrangers, entraînement d'intelligence artificielle.",
     "Les citoyens font davantage confiance aux acteurs publics qu'aux usages privés ou étrangers.",
     "partly_adopted", (60, 90)),
    ("Des citoyens dans les comités d'accès aux données",
     "Des citoyens tirés au sort siègent avec voix délibérative dans les instances qui autorisent l'accès "
     "aux données de santé.", "Une gouvernance partagée construit la confiance.", "adopted", (75, 120)),
    ("Hébergement souverain et certifié",
     "Les données de santé sont hébergées sur une infrastructure européenne certifiée, non soumise aux lois "
     "extraterritoriales.",
     "Sobriété et souveraineté sont des conditions de la confiance.", "partly_adopted", (50, 30)),
    ("Voir les usages de ses données",
     "Mon Espace Santé montre à chacun quels projets ont utilisé ses données et ce qu'ils ont produit.",
     "Des retours d'impact concrets et incarnés entretiennent l'adhésion.", "adopted", (40, 60)),
    ("Une campagne nationale d'information",
     "Une campagne d'information grand public, sur le modèle de «\u00a0Les antibiotiques, "
     "c'est pas automatique\u00a0», précède l'entrée en vigueur du don par défaut.",
     "67\u00a0% des Français se disent insuffisamment informés sur les données de santé.",
     "adopted", (20, 30)),
    ("Former les professionnels de santé",
     "Les professionnels de santé sont formés pour expliquer le don de données et recueillir un refus.",
     "Les soignants sont les acteurs en qui les citoyens ont le plus confiance (91\u00a0%).",
     "adopted", (55, 90)),
    ("Partager les bénéfices",
     "Les bénéfices tirés des données par des acteurs privés financent en partie la santé publique.",
     "Solidarité\u00a0: les données de tous doivent profiter à tous.", "under_study", (80, None)),
    ("Inclure les territoires et publics vulnérables",
     "Les programmes de recherche rendent compte de la représentativité des données (territoires, publics "
     "vulnérables) et corrigent les manques.", "Équité et représentativité.", "rejected", (50, None)),
    ("Évaluer chaque année l'adhésion des citoyens",
     "Une enquête annuelle et une consultation publique mesurent l'adhésion au don par défaut.",
     "L'évaluation continue permet d'ajuster la politique.", None, None),
    ("Interdire tout usage commercial",
     "Aucune entreprise ne peut accéder aux données de santé, même pseudonymisées.",
     "Certains participants refusent toute marchandisation.", "panel_rejects", None),
]  # fmt: skip


LANGUAGE = "fr"  # the demo panel's texts (title, description, recommendations) are written in French


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = "Create a demo citizen panel (pool, quotas, draw, sessions, recommendations, ballots, answers)."

    def handle(self, *args, **options):
        organiser = User.objects.filter(groups__name=Role.ORGANISER).order_by("id").first()
        facilitator = User.objects.filter(groups__name=Role.FACILITATOR).order_by("id").first()
        existing = Panel.objects.filter(title=TITLE).first()
        if existing is not None:
            # Demo databases made before panels recorded their language: the demo is written in French.
            Panel.objects.filter(pk=existing.pk, language="").update(language=LANGUAGE)
            if organiser is not None and facilitator is not None:
                # Demo databases made before assignments and consultation links.
                self._assign(organiser, facilitator, existing)
                self._link(organiser, existing)
            self.stdout.write("The demo panel already exists.")
            return
        if organiser is None or facilitator is None:
            raise CommandError("Run `manage.py create_demo_accounts` first (an organiser and a facilitator).")
        try:
            services.load_sortition()
        except services.DeliberationError:
            self.stdout.write(self.style.WARNING("The sortition module is missing: no demo panel created."))
            return
        rng = random.Random(2026)
        # The history, in order (accounts/demo_clock.py): the consultation opened, then volunteers were
        # called, the draw three weeks before the first session, the sessions two weeks apart, the votes
        # at the third (the panel's work ends there: the organiser closes it), then the answers.
        first_session = days_ago(DEMO_TIMELINE["first_session"], hour=9)
        with demo_clock(days_ago(DEMO_TIMELINE["volunteers_called"])):
            panel = self._recruit(organiser, rng)
            self._assign(organiser, facilitator, panel)
            self._link(organiser, panel)
        with demo_clock(first_session - timedelta(days=21)):
            selection = self._draw(organiser, panel)
        if selection.status != Selection.Status.DONE:
            raise CommandError(f"The demo selection failed: {selection.failure_text}")
        with demo_clock(first_session - timedelta(minutes=30)):  # the first session opens its work
            services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.DELIBERATING)
        sessions = self._sessions(facilitator, panel, first_session)
        self._recommendations(organiser, facilitator, panel, sessions, rng)
        self.stdout.write(self.style.SUCCESS(f"Demo panel #{panel.pk} created: {TITLE}"))

    def _assign(self, organiser, facilitator, panel) -> None:
        """The demo facilitator runs the demo panel (a facilitator runs only the panels assigned to them)."""
        if not panel.facilitator_assignments.filter(user=facilitator).exists():
            services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)

    def _link(self, organiser, panel) -> None:
        """The demo panel deliberates for the data-donation consultation, when it is loaded."""
        consultation = Consultation.objects.filter(slug=CONSULTATION).first()
        if consultation is not None and panel.consultation_id is None:
            services.link_consultation(actor=organiser, panel=panel, consultation=consultation)

    @transaction.atomic
    def _recruit(self, organiser, rng) -> Panel:
        panel = services.create_panel(
            actor=organiser,
            title=TITLE,
            topic="Don de données de santé par défaut",
            size=30,
            language=LANGUAGE,
            description="Trente personnes tirées au sort parmi les volontaires délibèrent sur le don "
            "de leurs données de santé à la recherche publique, avec un registre national des refus.",
        )
        services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
        citizens = Group.objects.get_or_create(name=Role.CITIZEN)[0]
        departements = list(DEPARTEMENT_TO_REGION)
        weights = {
            "age_band": ([a.value for a in AgeBand], [10, 15, 24, 24, 27]),
            "gender": ([g.value for g in Gender], [51, 47, 2]),
            "education": ([e.value for e in Education], [18, 28, 18, 36]),
        }
        for i in range(POOL):
            # No password: these generated volunteers exist to fill the pool, nobody logs in as them; and
            # no notices, which would fill the demo's console with e-mails to them.
            user = User.objects.create_user(
                email=f"volontaire{i:03d}@demo.pacte.localhost", email_notices=False
            )
            user.groups.add(citizens)
            answers = {key: rng.choices(values, w)[0] for key, (values, w) in weights.items()}
            answers["socio_professional"] = rng.choice([s.value for s in SocioProfessional])
            profile = Profile(user=user, departement=rng.choice(departements), **answers)
            profile.derive_region()
            profile.save()
            services.volunteer(user=user, panel=panel, consent=True)
        services.propose_quotas(actor=organiser, panel=panel, categories=["gender", "age_band", "education"])
        return panel

    def _draw(self, organiser, panel) -> Selection:
        from config.celery import app

        # The draw task runs here, in this process, even when workers are set up (REDIS_URL): its steps
        # are then dated by the demo's clock (demo_clock), not when a worker would pick it up.
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            selection = services.start_selection(
                actor=organiser, panel=panel
            )  # a random seed, as the page does
        finally:
            app.conf.task_always_eager = eager
        selection.refresh_from_db()
        if selection.status not in (Selection.Status.DONE, Selection.Status.FAILED):
            # Inside an enclosing transaction (the tests) the task waits for a commit: run it now.
            from deliberation.tasks import run_selection

            run_selection(selection.pk)
            selection.refresh_from_db()
        return selection  # done: the draw seated the panel ("drawn"); failed: reported by the caller

    @transaction.atomic
    def _sessions(self, facilitator, panel, start):
        plan = [
            (
                "Séance 1\u00a0: comprendre les données de santé",
                "Lyon, Hôtel de Région",
                [
                    ("Accueil et règles de la délibération", "plenary", 30),
                    ("Audition\u00a0: le Health Data Hub", "hearing", 60),
                    ("Audition\u00a0: une association de patients", "hearing", 45),
                    ("Questions en petits groupes", "small_group", 60),
                ],
            ),
            (
                "Séance 2\u00a0: les options du don par défaut",
                "",
                [
                    ("Audition\u00a0: la CNIL", "hearing", 45),
                    ("Délibération en petits groupes", "small_group", 90),
                    ("Rédaction des recommandations", "drafting", 90),
                ],
            ),
            (
                "Séance 3\u00a0: amendements et votes",
                "Paris, Conseil économique, social et environnemental",
                [("Relecture des amendements", "plenary", 60), ("Vote des recommandations", "vote", 90)],
            ),
        ]
        sessions = []
        # The members took their seats at the draw, before the first session (the vote results count
        # the members seated and checked in when each vote closed).
        members = list(panel.members.filter(status=PanelMember.Status.ACTIVE))
        with demo_clock(start - timedelta(days=14)):  # the facilitator plans the three sessions
            for index, (title, place, agenda) in enumerate(plan):
                session = services.schedule_session(
                    actor=facilitator,
                    panel=panel,
                    title=title,
                    starts_at=start + timedelta(days=SESSION_INTERVAL_DAYS * index),
                    place=place,
                    video_link="" if place else "https://visio.example.org/assises-2",
                )
                for item_title, kind, minutes in agenda:
                    services.add_agenda_item(
                        actor=facilitator,
                        session=session,
                        title=item_title,
                        kind=kind,
                        duration_minutes=minutes,
                    )
                sessions.append(session)
        with demo_clock(start - timedelta(days=7)):
            services.upload_document(
                actor=facilitator,
                panel=panel,
                session=sessions[0],
                title="Note de cadrage\u00a0: le don par défaut",
                description="Synthèse du rapport «\u00a0Vers un nouveau pacte social\u00a0» (APRS, 2025).",
                file=ContentFile(b"Note de cadrage du panel.", name="note-de-cadrage.txt"),
            )
        for index, session in enumerate(sessions):
            with demo_clock(session.starts_at):
                for member in members[: len(members) - index]:  # a few absences in later sessions
                    services.check_in(actor=facilitator, session=session, member=member)
            with demo_clock(session.starts_at + timedelta(hours=6)):
                services.save_minutes(
                    actor=facilitator,
                    session=session,
                    minutes=f"{session.title}. {session.attendances.count()} membres présents. "
                    "Travaux conduits selon l'ordre du jour.",
                )
        return sessions

    def _recommendations(self, organiser, facilitator, panel, sessions, rng):
        """Drafted at the second session, amended between the two, voted at the third, then answered by
        the decision-maker: each step dated when it happened (demo_clock), in that order."""
        drafting, voting = sessions[1], sessions[2]
        present = [
            a.member
            for a in Attendance.objects.filter(session=voting).select_related("member__volunteer__user")
        ]
        recommendations = []
        for number, (title, text, rationale, _status, _days) in enumerate(RECOMMENDATIONS):
            with demo_clock(drafting.starts_at + timedelta(hours=3, minutes=5 * number)):
                recommendations.append(
                    services.create_recommendation(
                        actor=facilitator,
                        panel=panel,
                        session=drafting,
                        title=title,
                        text=text,
                        rationale=rationale,
                    )
                )
        amended = recommendations[1]
        with demo_clock(drafting.starts_at + timedelta(days=7)):
            amendment = services.propose_amendment(
                user=present[0].volunteer.user,
                recommendation=amended,
                text=amended.text + " Un rappel est envoyé chaque année.",
                explanation="Pour que personne n'oublie.",
            )
            rejected = services.propose_amendment(
                user=present[1].volunteer.user,
                recommendation=amended,
                text="Supprimer le refus par courrier.",
            )
        with demo_clock(voting.starts_at + timedelta(hours=1)):  # the amendments are read in plenary
            services.accept_amendment(actor=facilitator, amendment=amendment)
            services.reject_amendment(
                actor=facilitator,
                amendment=rejected,
                reason="Le courrier reste nécessaire aux personnes sans internet.",
            )
        for number, (recommendation, (*_text, answer_status, _days)) in enumerate(
            zip(recommendations, RECOMMENDATIONS, strict=True)
        ):
            with demo_clock(voting.starts_at + timedelta(hours=2, minutes=5 * number)):
                services.open_vote(actor=facilitator, recommendation=recommendation, session=voting)
                # Shares of for / against (the rest abstains): the last proposal divides the panel and fails.
                share_for, share_against = (0.25, 0.6) if answer_status == "panel_rejects" else (0.8, 0.12)
                for member in present:
                    draw = rng.random()
                    choice = (
                        "for"
                        if draw < share_for
                        else ("against" if draw < share_for + share_against else "abstain")
                    )
                    services.cast_ballot(
                        user=member.volunteer.user, recommendation=recommendation, choice=choice
                    )
                recommendation = services.close_vote(actor=facilitator, recommendation=recommendation)
            recommendations[number] = recommendation
        # Every vote taken, the panel's work is over: the organiser closes it that evening; the
        # decision-makers answer afterwards.
        with demo_clock(voting.starts_at + timedelta(hours=9)):
            services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.CLOSED)
        for number, (recommendation, (*_text, answer_status, days)) in enumerate(
            zip(recommendations, RECOMMENDATIONS, strict=True)
        ):
            if recommendation.status != Recommendation.Status.ADOPTED or answer_status in (
                None,
                "panel_rejects",
            ):
                continue
            self._answer(organiser, recommendation, number, answer_status, days)

    def _answer(self, organiser, recommendation, number, answer_status, days) -> None:
        to_answer, to_deadline = days
        answered_on = timezone.localdate(recommendation.decided_at) + timedelta(days=to_answer)
        deadline = answered_on + timedelta(days=to_deadline) if to_deadline else None
        # The measures due by the day the demo is loaded were implemented on time but one, which shows as
        # overdue, its decree as late; the measures due later are still to come.
        implemented_on = deadline - timedelta(days=5) if deadline and number != 4 else None
        # An implementation is recorded once done, never ahead (`services.response_date_problems`): the
        # answer of a measure implemented since is recorded on that day; one still to come is left open.
        if implemented_on and implemented_on > timezone.localdate():
            implemented_on = None
        with demo_clock(on_day(implemented_on or answered_on)):
            response = services.record_response(
                actor=organiser,
                recommendation=recommendation,
                decision_maker="Ministre chargé de la Santé",
                body="Ministère de la Santé et de l'Accès aux soins",
                status=answer_status,
                justification=_JUSTIFICATIONS[answer_status],
                answered_on=answered_on,
                implementation_deadline=deadline,
                implemented_on=implemented_on,
                milestones=[("Décret d'application", deadline)] if deadline else [],
            )
        if implemented_on and implemented_on <= timezone.localdate():
            with demo_clock(on_day(implemented_on)):
                for milestone in response.milestones.all():
                    services.complete_milestone(actor=organiser, milestone=milestone, done_on=implemented_on)


_JUSTIFICATIONS = {
    "adopted": "La recommandation est reprise telle quelle dans le projet de loi.",
    "partly_adopted": (
        "La recommandation est reprise en partie\u00a0; le reste fait l'objet d'une concertation."
    ),
    "under_study": "Une mission d'inspection étudie la faisabilité\u00a0; réponse définitive dans six mois.",
    "rejected": (
        "Le gouvernement ne retient pas la recommandation\u00a0: les obligations existantes suffisent."
    ),
}
