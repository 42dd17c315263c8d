"""The permission grid, generated from the URLconf: every route x method (GET, POST) x role x state of
the object it is about, against the expectation declared below (one entry per URL name). A route without
an entry fails the suite with its name; so does a view of our apps that does not declare its rule with
`accounts.permissions.require_rule` (docs/security.md, "Permissions first").

"Allowed" is any answer but a refusal; a refusal is a 403, a 404, a 405 (wrong method) or a redirection
to the sign-in page. Requests are sent without a body (a POST with no file, no field): whoever is refused
must get nothing of the protected data (member e-mails, draft titles), and no answer at all may show them
to someone who may not read them. Each request runs in a savepoint rolled back after it, so what an
allowed POST does (withdraw, unassign, replace a member...) does not change the next one's world."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.notification_preferences import unsubscribe_token
from accounts.permissions import requirement_of
from tests.conftest import with_totp
from tests.factories import UserFactory

ROLES = ("anonymous", "citizen", "member", "facilitator", "other_facilitator", "moderator", "organiser")
STATES = ("draft", "open", "closed")
METHODS = ("GET", "POST")

# Routes left out of the grid, by the start of their path, and why.
EXCLUDED_PREFIXES = {
    "admin/": "Django's admin: its own staff login (sec-auth's part of the issue puts it behind allauth)",
    "accounts/": "allauth's sign-in, sign-up, e-mail and MFA pages: public forms, allauth's own rules",
    "static/": "static files, served by WhiteNoise",
    "media/": "uploaded files are never served by URL: documents go through deliberation:document",
}
# Routes without a name, by their pattern, and why.
UNNAMED = {
    "api/^[\\s\\S]*$": "the API's JSON 404 for every other address",
}

MEMBER_EMAIL = "membre.protege@example.org"
DRAFT_PANEL_TITLE = "Panel brouillon confidentiel"
DRAFT_CONSULTATION_TITLE = "Consultation brouillon confidentielle"

# --- Who may: predicates of (role, state) --------------------------------------------------------------

TEAM = {"facilitator", "organiser"}  # run the panel (its facilitator, and organisers run every panel)


def everyone(role, state):
    return True


def nobody(role, state):
    return False


def signed_in(role, state):
    return role != "anonymous"


def roles(*names):
    return lambda role, state: role in names


def organiser(role, state):
    return role == "organiser"


def not_draft(who):
    """`who`, and only while the object is not a draft (a draft exists for nobody)."""
    return lambda role, state: state != "draft" and who(role, state)


def before_draw(who):
    return lambda role, state: state == "draft" and who(role, state)


def open_only(who):
    return lambda role, state: state == "open" and who(role, state)


def panel_visible(who):
    """`who` while the panel is not a draft; the team that runs it (and only it) while it is."""
    return lambda role, state: who(role, state) and (state != "draft" or role in TEAM)


def consultation_visible(who):
    """`who` while the consultation is not a draft; organisers (and only them) while it is."""
    return lambda role, state: who(role, state) and (state != "draft" or role == "organiser")


team = roles(*TEAM)
member_or_team = panel_visible(roles("member", *TEAM))  # no member sits on a draft panel
members = roles("member")
org_not_draft = not_draft(organiser)


@dataclass(frozen=True)
class Entry:
    kwargs: str  # which object fills the URL (a key of World.kwargs)
    get: object
    post: object


def e(kwargs, get, post=None):
    return Entry(kwargs, get, get if post is None else post)


def post_only(kwargs, post):
    return Entry(kwargs, nobody, post)  # a GET is a 405 for everyone


# One entry per URL name: who may GET and POST, in which state of the object.
EXPECTED = {
    # Site
    "home": e("none", everyone),
    "healthz": e("none", everyone),
    "pages:accessibility": e("none", everyone, nobody),
    "pages:legal": e("none", everyone, nobody),
    "pages:privacy": e("none", everyone, nobody),
    "set_language": e("none", everyone),
    # The read-only public API (DRF): GET only; a draft consultation does not exist there either.
    "api-schema": e("none", everyone, nobody),
    "api-docs": e("none", everyone, nobody),
    "api-root": e("none", everyone),  # a plain view: answers its links to any method
    "api-consultations": e("none", everyone, nobody),
    "api-consultation": e("slug", not_draft(everyone), nobody),
    "api-questions": e("slug", not_draft(everyone), nobody),
    "api-proposals": e("slug", not_draft(everyone), nobody),
    "api-votes": e("slug", not_draft(everyone), nobody),
    # Accounts (one's own pages)
    "accounts:dashboard": e("none", signed_in),
    "accounts:profile": e("none", signed_in),
    "accounts:accept_privacy": post_only("none", signed_in),
    # A GET of the e-mail settings goes back to the account page's e-mail section.
    "accounts:email_notices": e("none", signed_in),
    "accounts:digest_preference": e("none", signed_in),
    # The unsubscribe link of the digest e-mails: whoever holds the signed link, signed in or not.
    "accounts:unsubscribe": e("unsubscribe", everyone),
    "accounts:export": e("none", signed_in),
    "accounts:delete": e("none", signed_in),
    "accounts:roles": e("none", organiser),
    "accounts:audit_log": e("none", organiser),
    # Consultations
    "consultation:vote": post_only("proposal", signed_in),  # refused by the service, in JSON or a message
    "consultation:list": e("none", everyone),
    "consultation:mine": e("none", signed_in),
    "consultation:moderation": e("none", roles("moderator", "organiser")),
    "consultation:moderate": post_only("moderated", roles("moderator", "organiser")),
    "consultation:create": e("none", organiser),
    "consultation:detail": e("slug", consultation_visible(everyone)),
    "consultation:accept_charter": e("slug", consultation_visible(signed_in)),
    # GET: back to the questionnaire. POST: only while open (the service's 403, in the page, otherwise).
    "consultation:answer": Entry("slug", consultation_visible(signed_in), open_only(signed_in)),
    "consultation:discard_answers_draft": e("slug", consultation_visible(signed_in)),
    # GET: back to the questionnaire. POST: only while open (the service's 403, in the page, otherwise).
    "consultation:withdraw_answers": Entry("slug", consultation_visible(signed_in), open_only(signed_in)),
    "consultation:proposals": e("slug", consultation_visible(everyone)),
    "consultation:proposal": e("proposal", consultation_visible(everyone)),
    # GET: the form, or back to the consultation with a message. POST: only while open (403 otherwise, the
    # text given back to copy).
    "consultation:propose": Entry("slug", consultation_visible(signed_in), open_only(signed_in)),
    "consultation:report": e("proposal", consultation_visible(signed_in)),
    "consultation:results": e("slug", consultation_visible(everyone)),
    "consultation:open_data": Entry("slug", consultation_visible(everyone), org_not_draft),
    "consultation:open_data_progress": e("slug", org_not_draft),
    "consultation:open_data_download": e("export", consultation_visible(everyone)),
    "consultation:manage": e("slug", organiser),
    "consultation:change_phase": post_only("slug", organiser),
    "consultation:charter": e("slug", organiser),
    "consultation:questions": e("slug", organiser),
    "consultation:delete_question": post_only("question", organiser),
    # Refused by the service (a message) once the consultation is closed.
    "consultation:question_required": post_only("question", organiser),
    "consultation:import": e("slug", organiser),
    "consultation:import_progress": e("slug", organiser),
    # Decision-makers' answers: the follow-up page is public; the rule and the answer forms are organisers'
    # (a draft consultation's proposal gets the form with a notice that it cannot be answered yet).
    "consultation:followup": e("slug", consultation_visible(everyone)),
    "consultation:followup_all": e("none", everyone),
    "consultation:answer_policy": e("slug", organiser),
    "consultation:answer_proposal": e("proposal", organiser),
    "consultation:proposal_milestone": post_only("proposal_milestone", organiser),
    # Broad listening. Nothing is published in the grid's world: the exports and the PDF are a 404 for all.
    "analysis:report": e("slug", consultation_visible(everyone)),
    "analysis:report_pdf": e("slug", nobody),
    "analysis:export_contributions": e("export_format", nobody),
    "analysis:export_themes": e("export_format", nobody),
    "analysis:runs": e("slug", organiser),
    "analysis:run": e("run", organiser),
    "analysis:run_progress": e("run", organiser),
    "analysis:run_resume": post_only("run", organiser),
    "analysis:editor": e("run", organiser),
    "analysis:editor_move": post_only("run", organiser),
    # Those who run the panel link its recommendations to themes; anyone else: 404 (a draft stays unknown).
    "analysis:recommendation_themes": e("recommendation", team),
    "analysis:publish": post_only("version", organiser),
    # The answer to a theme: organisers (the grid's themes are not published: the page says so).
    "analysis:answer_theme": e("theme", organiser),
    "analysis:theme_milestone": post_only("theme_milestone", organiser),
    # The organisers' dashboard of who took part (counts, representativeness), with its CSV downloads.
    "analysis:transparency": e("slug", consultation_visible(everyone)),
    "analysis:dashboard": e("none", organiser),
    "analysis:dashboard_csv": e("dashboard_table", organiser),
    "analysis:consultation_dashboard": e("slug", organiser),
    "analysis:consultation_dashboard_csv": e("consultation_dashboard_table", organiser),
    # Panels: public pages
    "deliberation:panel_list": e("none", everyone),
    "deliberation:accountability": e("none", everyone),
    "deliberation:panel_detail": e("panel", panel_visible(everyone)),
    "deliberation:panel_accountability": e("panel", not_draft(everyone)),
    "deliberation:selection_report": e("panel", not_draft(everyone)),
    "deliberation:selection_status": e("panel", panel_visible(everyone)),
    "deliberation:selection_lottery": e("panel_selection", not_draft(everyone)),
    "deliberation:recommendation": e("recommendation", member_or_team),  # a draft: the panel's only
    # Citizens and members
    "deliberation:volunteer": e("panel", panel_visible(signed_in)),
    # GET: the page exists only for someone in the pool (the member); POST: back to the panel with a message.
    "deliberation:withdraw": Entry("panel", panel_visible(members), panel_visible(signed_in)),
    "deliberation:member_space": e("panel", member_or_team),
    "deliberation:document": e("document", member_or_team),
    "deliberation:check_in_code": post_only("session", panel_visible(members)),
    "deliberation:propose_amendment": post_only("recommendation", panel_visible(members)),
    "deliberation:cast_ballot": post_only("recommendation", panel_visible(members)),
    # Facilitators (of this panel) and organisers
    "deliberation:facilitate": e("panel", team),
    "deliberation:schedule_session": post_only("panel", team),
    "deliberation:upload_document": post_only("panel", team),
    "deliberation:create_recommendation": post_only("panel", team),
    "deliberation:console": e("session", team),
    "deliberation:move_agenda": post_only("session", team),
    "deliberation:end_session": post_only("session", team),
    # GET: the confirmation page (what reopening gives back, the votes held at the session).
    "deliberation:reopen_session": e("session", team),
    "deliberation:add_agenda_item": post_only("session", team),
    "deliberation:check_in": post_only("session", team),
    "deliberation:undo_check_in": post_only("session", team),
    "deliberation:edit_agenda_item": post_only("agenda_item", team),
    "deliberation:move_agenda_item": post_only("agenda_item", team),
    "deliberation:remove_agenda_item": post_only("agenda_item", team),
    "deliberation:save_minutes": post_only("session", team),
    "deliberation:decide_amendment": post_only("amendment", team),
    "deliberation:open_vote": post_only("recommendation", team),
    # GET: the confirmation page (with the turnout, or the reserve next in line and the reason asked).
    "deliberation:close_vote": e("recommendation", team),
    "deliberation:replace_member": e("member", team),
    # Organisers
    "deliberation:panel_create": e("none", organiser),
    "deliberation:manage": e("panel", organiser),
    "deliberation:set_status": post_only("panel", organiser),
    "deliberation:assign_facilitator": post_only("panel", organiser),
    "deliberation:unassign_facilitator": post_only("panel_facilitator", organiser),
    "deliberation:link_consultation": post_only("panel", organiser),
    "deliberation:import_volunteers": post_only("panel", organiser),
    "deliberation:save_quotas": post_only("panel", organiser),
    # Quotas are proposed before the draw only (the service's 403 after: the grid's other panels are drawn).
    "deliberation:propose_quotas": post_only(
        "panel", lambda role, state: role == "organiser" and state == "draft"
    ),
    "deliberation:run_selection": post_only("panel", organiser),
    "deliberation:abandon_selection": post_only("selection", organiser),
    # GET: the forms of a two-step draw (publish the lottery with the announced value; enter the value).
    "deliberation:start_two_step_draw": e("panel", organiser),
    "deliberation:enter_public_value": e("selection", organiser),
    "deliberation:record_response": e("recommendation", organiser),
    "deliberation:complete_milestone": post_only("milestone", organiser),
    "deliberation:change_milestone": post_only("milestone", organiser),
}

# Namespaces of our apps: every one of their views declares its rule (require_rule).
OUR_APPS = ("accounts", "consultation", "deliberation", "analysis", "pages")


# --- The URLconf, walked ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, or the pattern for an unnamed one
    pattern: str
    callback: object
    namespace: str


def walk(patterns=None, prefix="", namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from walk(entry.url_patterns, pattern, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or pattern
            yield Route(name, pattern, entry.callback, namespace)


def routes() -> list[Route]:
    return [r for r in walk() if not r.pattern.startswith(tuple(EXCLUDED_PREFIXES)) and r.name not in UNNAMED]


def test_every_route_has_a_declared_expectation():
    missing = sorted({r.name for r in routes()} - set(EXPECTED))
    assert not missing, (
        "Routes without an entry in tests/test_permission_grid.py EXPECTED (say who may GET and POST "
        f"them, in which state): {', '.join(missing)}"
    )
    stale = sorted(set(EXPECTED) - {r.name for r in routes()})
    assert not stale, f"Entries for routes that no longer exist: {', '.join(stale)}"


def test_every_view_of_our_apps_declares_its_rule():
    """Permission first: the rule is named by require_rule, so it is decided before the body is read."""
    undeclared = sorted(
        r.name
        for r in routes()
        if r.namespace.split(":")[0] in OUR_APPS or r.name in ("home", "healthz")
        if requirement_of(r.callback) is None
    )
    assert not undeclared, f"Views that do not name their rule with require_rule: {', '.join(undeclared)}"


# --- The world: one of each object per state, the people of each role ---------------------------------


class World:
    """Objects in each state (draft, open, closed) and one signed-in client per role."""

    def __init__(self):
        from analysis.models import PipelineRun, SynthesisVersion, Theme, ThemeAnswer, ThemeAnswerMilestone
        from consultation.models import OpenDataExport, Proposal, ProposalAnswer, ProposalAnswerMilestone
        from deliberation import models as d
        from tests.consultation.conftest import make_consultation

        self.users = {
            "citizen": UserFactory(roles=["citizen"]),
            "member": UserFactory(roles=["citizen"], email=MEMBER_EMAIL),
            "facilitator": with_totp(UserFactory(roles=["citizen", "facilitator"])),
            "other_facilitator": with_totp(UserFactory(roles=["citizen", "facilitator"])),
            "moderator": UserFactory(roles=["citizen", "moderator"]),
            "organiser": with_totp(UserFactory(roles=["citizen", "organiser"])),
        }
        other_panel = d.Panel.objects.create(title="Autre panel", status=d.Panel.Status.DELIBERATING)
        d.PanelFacilitator.objects.create(panel=other_panel, user=self.users["other_facilitator"])
        self.kwargs = {}
        panel_status = {"draft": "draft", "open": "deliberating", "closed": "closed"}
        phase = {"draft": "draft", "open": "open", "closed": "closed"}
        now = timezone.now()
        for state in STATES:
            consultation = make_consultation(phase=phase[state], slug=f"grille-{state}")
            title = DRAFT_CONSULTATION_TITLE if state == "draft" else f"Consultation {state}"
            consultation.title_fr = consultation.title_en = title
            consultation.save()
            proposal = Proposal.objects.create(consultation=consultation, text=f"Proposition {state}")
            export = OpenDataExport.objects.create(consultation=consultation, state="done")
            export.file.save(f"grille-{state}.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
            run = PipelineRun.objects.create(
                consultation=consultation, status="done", params={"backend": "tfidf"}
            )
            version = SynthesisVersion.objects.create(
                run=run, number=1, action="pipeline", data={"themes": [], "moves": {}}
            )
            theme = Theme.objects.create(run=run, number=0, label=f"Thème {state}")
            answer = {"decision_maker": "Ministre", "body": "Ministère", "status": "under_study",
                      "justification": "À l'étude.", "answered_on": now.date()}  # fmt: skip
            proposal_milestone = ProposalAnswerMilestone.objects.create(
                answer=ProposalAnswer.objects.create(proposal=proposal, **answer), title="Décret"
            )
            theme_milestone = ThemeAnswerMilestone.objects.create(
                answer=ThemeAnswer.objects.create(theme=theme, **answer), title="Décret"
            )
            panel = d.Panel.objects.create(
                title=DRAFT_PANEL_TITLE if state == "draft" else f"Panel {state}", status=panel_status[state]
            )
            d.PanelFacilitator.objects.create(panel=panel, user=self.users["facilitator"])
            # A panel in preparation is not drawn yet and nobody sits on it: there the member is a citizen
            # like any other (the amendment's author, a seat made up for the test, is someone else).
            selection = d.Selection.objects.create(
                panel=panel,
                seed="grille",
                algorithm="maximin",
                status="queued" if state == "draft" else "done",
                # The lottery a draw publishes (its file is served from the panel's selection report).
                lottery={} if state == "draft" else {"format": "pacte-lottery/1"},
                lottery_sha256="" if state == "draft" else "0" * 64,
            )
            seated = UserFactory(roles=["citizen"]) if state == "draft" else self.users["member"]
            volunteer = d.Volunteer.objects.create(panel=panel, user=seated, strata={}, source="account")
            member = d.PanelMember.objects.create(panel=panel, volunteer=volunteer, selection=selection)
            session = d.Session.objects.create(panel=panel, title=f"Séance {state}", starts_at=now)
            document = d.Document(panel=panel, title=f"Document {state}")
            document.file.save(f"grille-{state}.txt", ContentFile(b"piece"))
            recommendation = d.Recommendation.objects.create(
                panel=panel, session=session, title=f"Recommandation {state}", text="Texte."
            )
            amendment = d.Amendment.objects.create(
                recommendation=recommendation, proposed_by=member, text="Autre."
            )
            response = d.DecisionMakerResponse.objects.create(
                recommendation=recommendation, decision_maker="Ministre", body="Ministère", status="pending",
                justification="À l'étude.", answered_on=now.date(),
            )  # fmt: skip
            milestone = d.Milestone.objects.create(response=response, title="Décret", due_on=now.date())
            agenda_item = d.AgendaItem.objects.create(
                session=session, order=1, title=f"Accueil {state}", kind="plenary", duration_minutes=20
            )
            slug = {"slug": consultation.slug}
            self.kwargs[state] = {
                "none": {},
                "slug": slug,
                "proposal": {**slug, "pk": proposal.pk},
                "moderated": {"pk": proposal.pk},
                "question": {**slug, "pk": consultation.questions.first().pk},
                "export": {**slug, "pk": export.pk},
                "export_format": {**slug, "fmt": "csv"},
                "dashboard_table": {"table": "summary"},
                "consultation_dashboard_table": {**slug, "table": "summary"},
                "run": {"pk": run.pk},
                "version": {"pk": version.pk},
                "theme": {"pk": theme.pk},
                "proposal_milestone": {"pk": proposal_milestone.pk},
                "theme_milestone": {"pk": theme_milestone.pk},
                "panel": {"pk": panel.pk},
                "panel_facilitator": {"pk": panel.pk, "user_pk": self.users["facilitator"].pk},
                "session": {"pk": session.pk},
                "document": {"pk": document.pk},
                "recommendation": {"pk": recommendation.pk},
                "amendment": {"pk": amendment.pk},
                "selection": {"pk": selection.pk},
                "panel_selection": {"pk": panel.pk, "selection": selection.pk},
                "member": {"pk": member.pk},
                "milestone": {"pk": milestone.pk},
                "agenda_item": {"pk": agenda_item.pk},
                "unsubscribe": {"token": unsubscribe_token(seated)},
            }
        self.clients = {"anonymous": Client(raise_request_exception=False)}
        for role, user in self.users.items():
            self.clients[role] = Client(raise_request_exception=False)
            self.clients[role].force_login(user)


def refused(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return location.startswith(reverse("account_login"))


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def leaks(role: str, response) -> list[str]:
    """Protected data in the answer that this role may not read (in any answer, refused or not)."""
    body = body_of(response)
    found = []
    if MEMBER_EMAIL in body and role not in ("member", *TEAM):
        found.append("a member's e-mail")
    if DRAFT_PANEL_TITLE in body and role not in TEAM:
        found.append("the draft panel's title")
    if DRAFT_CONSULTATION_TITLE in body and role != "organiser":
        found.append("the draft consultation's title")
    return found


def state_matters(entry: Entry) -> bool:
    return entry.kwargs != "none"


@pytest.mark.slow  # 2,898 requests: 41 s of CPU, 2 min 45 s on a busy 2-core machine
@pytest.mark.django_db
def test_permission_grid(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PACTE_RATE_LIMITS = {}  # the grid sends many requests from one address: no limit in the way
    world = World()
    problems = []
    sent = 0
    for route in routes():
        entry = EXPECTED[route.name]
        for state in STATES if state_matters(entry) else ("open",):
            kwargs = world.kwargs[state][entry.kwargs]
            url = reverse(route.name, kwargs=kwargs)
            for method in METHODS:
                expected = entry.get if method == "GET" else entry.post
                if expected is nobody and method == "GET" and state != "open":
                    continue  # a POST-only route: its GET is a 405 before anything, one state shows it
                for role in ROLES:
                    client = world.clients[role]
                    with transaction.atomic():
                        response = client.get(url) if method == "GET" else client.post(url)
                        transaction.set_rollback(True)
                    sent += 1
                    where = f"{method} {url} ({route.name}) as {role}, {state}: {response.status_code}"
                    if response.status_code >= 500:
                        problems.append(f"{where}: server error")
                        continue
                    is_refused = refused(response)
                    allowed = expected(role, state)
                    if allowed and is_refused:
                        problems.append(f"{where}: refused, expected allowed")
                    elif not allowed and not is_refused:
                        problems.append(f"{where}: allowed, expected refused")
                    for leak in leaks(role, response):
                        problems.append(f"{where}: shows {leak}")
    print(f"permission grid: {sent} requests")  # noqa: T201 (the figure, with -s)
    assert not problems, f"{len(problems)} of {sent} answers differ from the grid:\n" + "\n".join(problems)
