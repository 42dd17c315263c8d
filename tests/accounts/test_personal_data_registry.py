"""The personal-data registry (`accounts.personal_data`) is complete, and erasing a person who did
everything leaves nothing of them but what the registry declares kept."""

import io
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session as SessionRow
from django.utils import timezone

from accounts import personal_data
from accounts.models import AuditEvent, ErasureRecord, Profile, User
from accounts.services import erase_account, update_profile
from analysis.models import Contribution, EmbeddingVector, OpinionRun, PipelineRun
from analysis.pipeline.embed import text_hash
from analysis.pipeline.opinion.warm import saved_state
from consultation import opendata
from consultation import services as consultation_services
from consultation.models import OpenDataExport, Proposal, Vote
from consultation.services import participant_key_for
from deliberation import services as panel_services
from deliberation.models import Attendance, Panel, PanelMember, Selection
from tests.consultation.conftest import make_consultation
from tests.factories import UserFactory

USER = settings.AUTH_USER_MODEL
ANSWER = "Réponse-marqueur-7f3a : je préfère un registre des refus tenu par mon médecin."
PROPOSAL = "Proposition-marqueur-9c2e : un droit d'opposition en un clic sur le site de l'Assurance maladie."
AMENDMENT = "Amendement-marqueur-4b1d : ajouter un délai de réflexion de trente jours."
REPORT = "Signalement-marqueur-2e8f : ce texte répète le mien."
DRAFT = "Brouillon-marqueur-6a0c : jamais publié."
TEXTS = (ANSWER, PROPOSAL, AMENDMENT, REPORT, DRAFT)
# Where the account may still be named after erasure: the account row (pseudonym only), the proof of
# erasure and the audit log, as their registry entries say.
MAY_NAME_THE_PSEUDONYM = {"accounts.User", "accounts.ErasureRecord", "accounts.AuditEvent"}


def _person_fields():
    """(model label, field name) of every field, in every installed model, that points at an account."""
    user_model = apps.get_model(USER)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model is user_model:
                yield model._meta.label, field.name


def test_every_field_pointing_at_a_person_has_an_entry():
    missing = []
    for label, field in _person_fields():
        whole = personal_data.entry(label)
        if personal_data.entry(f"{label}.{field}") is None and not (
            whole and whole.person.split("__")[0] == field
        ):
            missing.append(f"{label}.{field}")
    assert not missing, (
        "Declare what erasure does to these in accounts.personal_data (register them in the app's "
        f"AppConfig.ready): {missing}"
    )


def test_known_holdings_without_a_foreign_key_have_an_entry():
    """Data about a person found by other means than a foreign key: an integer id, a copy of a text, a
    hash of a text, a session, a file."""
    for name in (
        "accounts.AuditEvent",
        "accounts.ErasureRecord",
        "sessions.Session",
        "admin.LogEntry",
        "analysis.Contribution",
        "analysis.EmbeddingVector",
        "analysis.OpinionRun",
        "consultation.OpenDataExport",
        "file:open-data archives",
        "deliberation.BallotReceipt",
    ):
        assert personal_data.entry(name) is not None, name


def test_entries_name_real_models_and_fields():
    for item in personal_data.entries():
        if ":" in item.name:
            continue
        app_label, model_name, *field = item.name.split(".")
        model = apps.get_model(app_label, model_name)
        if field:
            model._meta.get_field(field[0])
        if item.person:
            model._meta.get_field(item.person.split("__")[0])
        if item.by:
            assert personal_data.entry(item.by) is not None, item.name
        assert item.why, item.name


# --- A person who did everything --------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def everything(client, organiser, facilitator, media, eager_celery, django_capture_on_commit_callbacks):
    """A citizen who filled their profile, answered, proposed, voted, reported, volunteered, was drawn,
    checked in, amended and voted in the panel, whose texts were analysed and embedded, who is in an
    open-data archive, left a draft in a second session, and whom the admin log names."""
    person = UserFactory(roles=["citizen", "facilitator"])
    other = UserFactory(roles=["citizen"])
    update_profile(user=person, strata={"age_band": "35-49", "gender": "female", "departement": "2A"})
    consultation = make_consultation(slug="tout")
    for who in (person, other):
        consultation_services.accept_charter(user=who, consultation=consultation)
    open_question = consultation.questions.get(kind="open")
    consultation_services.save_answers(
        user=person, consultation=consultation, answers={open_question.pk: ANSWER}
    )
    mine = consultation_services.submit_proposal(user=person, consultation=consultation, text=PROPOSAL)
    theirs = consultation_services.submit_proposal(
        user=other, consultation=consultation, text="Une proposition d'une autre personne, qui reste."
    )
    Proposal.objects.filter(pk=mine.pk).update(strata=person.profile.strata())  # as an import copies them
    consultation_services.cast_vote(user=person, proposal=theirs, value="agree")
    consultation_services.cast_vote(user=other, proposal=mine, value="agree")
    consultation_services.report_proposal(user=person, proposal=theirs, reason=REPORT)

    # The analysis: scrubbed copies with the profile strata, their embeddings, an opinion computation.
    run = PipelineRun.objects.create(consultation=consultation, created_by=organiser)
    answer = person.answers.get()
    for position, (kind, source, text) in enumerate(
        [("answer", answer.pk, ANSWER), ("proposal", mine.pk, PROPOSAL), ("proposal", theirs.pk, theirs.text)]
    ):
        Contribution.objects.create(
            run=run,
            position=position,
            source_type=kind,
            source_id=source,
            text=text,
            text_hash=text_hash(text),
            strata=person.profile.strata() if source != theirs.pk else {},
        )
        EmbeddingVector.objects.create(
            model_id="test", text_hash=text_hash(text), dimensions=1, vector=b"\0" * 4
        )
    OpinionRun.objects.create(
        consultation=consultation,
        vote_count=2,
        status="ok",
        result={
            "participants": [{"participant": participant_key_for(person), "group": 0}],
            # The clusters kept for the next computation's warm start, as the pipeline saves them.
            "clusters": saved_state(
                [participant_key_for(person), "u-someone-else"], {"base": [0, 1], "groups": {2: [0, 1]}}
            ),
        },
    )

    # The open-data archive, built by the worker once the consultation closed (answers are in it then).
    consultation_services.transition(actor=None, consultation=consultation, to_phase="closed")
    with django_capture_on_commit_callbacks(execute=True):
        consultation_services.request_open_data_export(actor=None, consultation=consultation)
    assert OpenDataExport.objects.get().state == OpenDataExport.State.DONE

    # The panel: volunteered, drawn, checked in, amended, voted; and they ran another panel.
    panel = panel_services.create_panel(actor=organiser, title="Panel", size=4)
    panel_services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    volunteering = panel_services.volunteer(user=person, panel=panel, consent=True, language="fr")
    draw = Selection.objects.create(panel=panel, seed="s", algorithm="maximin", status=Selection.Status.DONE)
    seat = PanelMember.objects.create(panel=panel, volunteer=volunteering, selection=draw)
    session = panel_services.schedule_session(
        actor=organiser, panel=panel, title="Séance", starts_at=timezone.now(), place="Ajaccio"
    )
    Attendance.objects.create(session=session, member=seat, method=Attendance.Method.FACILITATOR)
    recommendation = panel_services.create_recommendation(
        actor=organiser, panel=panel, session=session, title="Reco", text="Texte.", rationale=""
    )
    panel_services.propose_amendment(user=person, recommendation=recommendation, text=AMENDMENT)
    panel_services.open_vote(actor=organiser, recommendation=recommendation, session=session)
    panel_services.cast_ballot(user=person, recommendation=recommendation, choice="for")
    panel_services.assign_facilitator(actor=organiser, panel=panel, user=person)

    # A second session (another browser) with a draft, and the admin log.
    client.force_login(person)
    browser = client.session
    browser["proposal_preview"] = {"text": DRAFT}
    browser.save()
    LogEntry.objects.create(
        user=person,
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=str(theirs.pk),
        object_repr=theirs.text[:50],
        action_flag=CHANGE,
        change_message="[]",
    )
    LogEntry.objects.create(
        user=organiser,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=person.email,
        action_flag=CHANGE,
        change_message="[]",
    )
    person.refresh_from_db()
    return person, consultation


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, bytes | memoryview):
        yield bytes(value).decode("utf-8", "replace")
    elif value is not None:
        yield str(value)


def _rows():
    """(model label, strings of one row) for every row of every table, sessions decoded."""
    from django.contrib.sessions.backends.db import SessionStore

    for model in apps.get_models(include_auto_created=True):
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._default_manager.values_list(*names):
            values = list(row)
            if model is SessionRow:
                values.append(SessionStore().decode(row[names.index("session_data")]))
            yield model._meta.label, list(_strings(values))


def _archived_texts(media: Path):
    for path in media.rglob("*"):
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
                for name in archive.namelist():
                    yield path.name, archive.read(name).decode("utf-8", "replace")


def _references_to(person) -> dict[str, int]:
    """Rows whose field pointing at an account points at `person`, by model.field."""
    found = {}
    for label, field in _person_fields():
        model = apps.get_model(label)
        n = model._default_manager.filter(**{field: person.pk}).count()
        if n:
            found[f"{label}.{field}"] = n
    return found


def test_erasing_a_person_who_did_everything_leaves_nothing_of_them(
    everything, media, django_capture_on_commit_callbacks
):
    person, consultation = everything
    email, pseudonym, key = person.email, person.pseudonym, participant_key_for(person)
    open_data_id = opendata.pseudonym(consultation, key)
    assert any(PROPOSAL in text for _name, text in _archived_texts(media))  # the archive held them
    assert any(ANSWER in text for _name, text in _archived_texts(media))

    with django_capture_on_commit_callbacks(execute=True):
        erase_account(user=person, keep_contributions=False)

    leftovers = []
    for label, strings in _rows():
        joined = "\n".join(strings)
        for needle in (email, *TEXTS, open_data_id):
            if needle in joined:
                leftovers.append((label, needle[:30]))
        if key in strings:
            leftovers.append((label, "participant key"))
        if pseudonym in joined and label not in MAY_NAME_THE_PSEUDONYM:
            leftovers.append((label, "pseudonym"))
        if label == "sessions.Session" and str(person.pk) in strings:
            leftovers.append((label, "account id in a session"))
    assert not leftovers, leftovers
    # Only the audit log (actor_id) still names the account id; no other row points at the account.
    assert _references_to(person) == {}
    assert AuditEvent.objects.filter(actor_id=person.pk).exists()
    assert ErasureRecord.objects.get().pseudonym == pseudonym
    # The archive was withdrawn and built again without them; others' contributions are in it.
    archived = list(_archived_texts(media))
    assert archived and all(
        PROPOSAL not in t and ANSWER not in t and open_data_id not in t for _n, t in archived
    )
    assert any("Une proposition d'une autre personne" in t for _n, t in archived)
    assert OpenDataExport.objects.get().state == OpenDataExport.State.DONE
    # Counts they fed are recounted; the other person's embeddings stay.
    assert Proposal.objects.get().agree_count == 0
    assert EmbeddingVector.objects.count() == 1
    assert Vote.objects.count() == 0  # the other person's vote was on the erased proposal


def test_kept_contributions_lose_the_profile_answers_copied_on_them(
    everything, django_capture_on_commit_callbacks
):
    person, consultation = everything
    email = person.email
    unpublished = Proposal.objects.create(
        consultation=consultation, author=person, text=DRAFT, status=Proposal.Status.PENDING
    )
    with django_capture_on_commit_callbacks(execute=True):
        erase_account(user=person, keep_contributions=True)
    assert not Proposal.objects.filter(pk=unpublished.pk).exists()  # never public: not kept
    assert Proposal.objects.get(author=person).strata == {}
    assert Proposal.objects.get(author=person).text == PROPOSAL  # kept, under the pseudonym
    assert all(c.strata == {} for c in Contribution.objects.all())
    assert not Profile.objects.filter(user=person).exists()
    leftovers = [
        label
        for label, strings in _rows()
        if any(email in s or DRAFT in s or REPORT in s for s in strings)
        or (label == "sessions.Session" and str(person.pk) in strings)
    ]
    assert not leftovers, leftovers


# --- Every field classified ---------------------------------------------------------------------------
#
# A field that holds data about a person need not point at an account: a name typed in a form, a copy of
# a profile answer, a timestamp that a kept audit event repeats. The foreign-key walk above finds none of
# these, so every field of the project's models that outlives an erasure (a model without an entry, or
# one whose entry keeps or blanks its rows) is classified below, with what it holds. A new field fails
# `test_every_field_of_our_models_is_classified` until it is put here: if it holds data about a person,
# it needs an entry (or its entry's handler must blank it) in accounts.personal_data first.

_PROJECT_APPS = ("accounts", "consultation", "deliberation", "analysis")

_ORGANISERS = "the organisers' own settings and texts about the consultation, about no participant"
_PANEL_WORK = "the panel's work as its team records it (titles, times, places, texts), about no member"
_ANSWERS = "a decision-maker's public answer and its milestones (the office answering, not a person)"
_JOB = "a background job's state and figures: counts, percentages, codes, times"
_ROW = "ids and links between rows"

CLASSIFIED: list[tuple[str, str, str]] = [
    # accounts: the account row, blanked by accounts.erasure (e-mail, names, password, roles, last login).
    ("accounts.User", "id pseudonym erased_at date_joined groups user_permissions",
     "kept: the public pseudonym, the account's id and dates (registry: accounts.User)"),
    ("accounts.User", "password last_login is_superuser first_name last_name is_staff is_active email "
     "email_notices", "blanked or reset by accounts.erasure"),
    ("accounts.ErasureRecord", "id pseudonym choice created_at", "kept: the proof of the erasure"),
    ("accounts.AuditEvent", "id created_at actor_id actor_label actor_role action object_type object_id "
     "details prev_hash hash", "kept: append-only, hash-chained; names the pseudonym, never the e-mail"),
    ("accounts.SentNotice", "id key sent_at", "kept: which notice went once, keyed by ids"),
    ("accounts.OutboxTask", "id task args options created_at attempts last_error",
     "a task waiting for the broker: its name and row ids (outbox.enqueue takes ids only)"),
    # consultation
    ("consultation.Consultation", "id slug title_fr title_en context_fr context_en starts_on closes_at "
     "phase moderation proposals_allowed max_proposal_length charter_version created_at", _ORGANISERS),
    ("consultation.CharterVersion", "id consultation version text_fr text_en created_at", _ORGANISERS),
    ("consultation.PhaseChange", "id consultation from_phase to_phase platform created_at",
     "the phase history (the platform's moves say why, never whose)"),
    ("consultation.Question", "id consultation position kind text_fr text_en help_fr help_en required",
     _ORGANISERS),
    ("consultation.Choice", "id question position label_fr label_en exclusive", _ORGANISERS),
    ("consultation.Answer", "id question text created_at updated_at choices",
     "the answer itself: deleted, or kept under the pseudonym (registry: consultation.Answer)"),
    ("consultation.Proposal", "id consultation author_key text status hide_reason source external_id "
     "is_meta language created_at moderated_at agree_count disagree_count pass_count",
     "the proposal: deleted, or kept under the pseudonym (registry: consultation.Proposal)"),
    ("consultation.Proposal", "strata", "blanked when kept under the pseudonym (services.erase_proposals)"),
    ("consultation.Vote", "id proposal participant_key value previous_value created_at updated_at",
     "the vote: deleted, or kept under the pseudonym (registry: consultation.Vote)"),
    ("consultation.ContributionImport", "id consultation file_name data text_column date_column "
     "strata_columns language language_column state progress created skipped_existing errors warnings "
     "failure created_at finished_at heartbeat_at",
     "an import's job: the file (contributions of people without an account) is erased once imported; "
     "errors and warnings give line numbers and reasons, no text"),
    ("consultation.OpenDataExport", "id consultation state progress file error task_id created_at "
     "finished_at", "an archive: withdrawn and rebuilt (registry: consultation.OpenDataExport)"),
    ("consultation.AnswerPolicy", "id consultation proposals_required proposal_min_agree_percent "
     "proposal_min_votes themes_required theme_min_percent answers_due_on updated_at", _ORGANISERS),
    ("consultation.ProposalAnswer", "id decision_maker body status justification answered_on "
     "implementation_deadline implemented_on created_at proposal", _ANSWERS),
    ("consultation.ProposalAnswerMilestone", "id title due_on done_on first_due_on change_note answer",
     _ANSWERS),
    # deliberation
    ("deliberation.Panel", "id title description topic size threshold status household_rule consultation "
     "created_at language closed_at", _PANEL_WORK),
    ("deliberation.Volunteer", "id panel source told_not_drawn_in",
     "a seat's pool entry, kept for the public composition without the person (deliberation.gdpr)"),
    ("deliberation.Volunteer", "external_id name contact address strata consent_at language",
     "blanked by deliberation.gdpr._erase_volunteerings (an unseated entry is deleted)"),
    ("deliberation.Volunteer", "created_at", "kept to the day by deliberation.gdpr._erase_volunteerings"),
    ("deliberation.ErasedSeatStrata", "panel seats counts",
     "counts per panel of erased seats' quota answers, tied to no seat (deliberation.gdpr)"),
    ("deliberation.Quota", "id panel category value min max", _PANEL_WORK),
    ("deliberation.Selection", "id panel seed seed_origin algorithm status progress reasons probabilities "
     "portfolio seed_commitment lottery lottery_sha256 lottery_published_at lottery_inputs_sha256 drawn "
     "reserves composition quotas_used excluded min_probability median_probability pool_size created_at "
     "finished_at public_value_source public_value public_value_at",
     "the public record of a draw: pool entries by number, figures, never a name or contact"),
    ("deliberation.PanelMember", "id panel volunteer selection status replaced_by joined_at dropped_at",
     "a seat, kept for the public composition; its volunteer row no longer names the person"),
    ("deliberation.PanelMember", "drop_reason", "blanked by deliberation.gdpr._erase_volunteerings"),
    ("deliberation.Session",
     "id panel title starts_at place video_link checkin_code minutes ended_at reopened_at", _PANEL_WORK),
    ("deliberation.AgendaItem", "id session order title kind duration_minutes started_at ended_at",
     _PANEL_WORK),
    ("deliberation.Document", "id panel session title description file created_at", _PANEL_WORK),
    ("deliberation.Attendance", "id session member method",
     "kept: a seat's presence, pointing at a seat no longer linked to anyone"),
    ("deliberation.Attendance", "checked_in_at", "kept to the day by deliberation.gdpr._erase_volunteerings"),
    ("deliberation.Recommendation", "id panel session title text rationale status vote_session votes_for "
     "votes_against votes_abstain voting_opened_at decided_at created_at", _PANEL_WORK),
    ("deliberation.RecommendationVersion", "id recommendation number title text rationale created_at",
     _PANEL_WORK),
    ("deliberation.Amendment", "id recommendation text explanation status reason decided_at "
     "resulting_version created_at", "a decided amendment is the panel's record (registry)"),
    ("deliberation.BallotBox", "recommendation sealed", "sealed counts, no row per ballot"),
    ("deliberation.BallotReceipt", "id recommendation member", "who voted, never how; a seat, no time"),
    ("deliberation.DecisionMakerResponse", "id decision_maker body status justification answered_on "
     "implementation_deadline implemented_on created_at recommendation", _ANSWERS),
    ("deliberation.Milestone", "id title due_on done_on first_due_on change_note response", _ANSWERS),
    # analysis
    ("analysis.EmbeddingVector", "id model_id text_hash dimensions vector created_at",
     "deleted unless another copy shares the text (registry: analysis.EmbeddingVector)"),
    ("analysis.PipelineRun", "id consultation status progress_done progress_total chunks_total error_code "
     "error_detail params model_id input_hash k_selection labelling n_contributions n_distinct created_at "
     "started_at finished_at", _JOB),
    ("analysis.RunChunk", "id run index hashes done", _JOB + "; hashes of texts"),
    ("analysis.Theme", "id run parent number label keywords summary summary_by summary_sentences quotes size "
     "share share_weighted breakdown stance trend emerging",
     "a theme: quotes and summary sentences scrubbed, erased texts dropped (registry)"),
    ("analysis.Contribution", "id run position source_type source_id text text_hash clean_key scrubbed "
     "truncated likely_other_language submitted_at votes duplicate_group duplicate_count health_flag "
     "theme subtheme x y", "a scrubbed copy: deleted, or kept under the pseudonym (registry)"),
    ("analysis.Contribution", "strata", "blanked when kept under the pseudonym (registry)"),
    ("analysis.SynthesisVersion", "id run number action description data created_at published_at",
     "a synthesis: erased texts dropped from it (registry: analysis.SynthesisVersion)"),
    ("analysis.PublishedSynthesis", "id consultation version published_at", _ROW),
    ("analysis.OpinionRun", "id consultation computed_at vote_count status result",
     "opinion groups: the person's position removed (registry: analysis.OpinionRun)"),
    ("analysis.ThemeRecommendationLink", "id theme recommendation score confirmed_at created_at", _ROW),
    ("analysis.ThemeAnswer", "id decision_maker body status justification answered_on "
     "implementation_deadline implemented_on created_at theme", _ANSWERS),
    ("analysis.ThemeAnswerMilestone", "id title due_on done_on first_due_on change_note answer", _ANSWERS),
]  # fmt: skip


def _fields_outliving_an_erasure():
    """(model label, field) of every field of the project's models whose rows may outlive an erasure
    and that no registry entry names."""
    for model in apps.get_models():
        if model._meta.app_label not in _PROJECT_APPS:
            continue
        label = model._meta.label
        whole = personal_data.entry(label)
        if whole and whole.erase == whole.pseudonymise == personal_data.Fate.DELETE:
            continue  # the rows go, whatever their fields
        for field in model._meta.get_fields():
            if not field.concrete or personal_data.entry(f"{label}.{field.name}") is not None:
                continue
            if whole and whole.person.split("__")[0] == field.name:
                continue
            yield label, field.name


def test_every_field_of_our_models_is_classified():
    declared = {(label, name) for label, names, _why in CLASSIFIED for name in names.split()}
    found = set(_fields_outliving_an_erasure())
    assert not found - declared, (
        "Classify these fields in CLASSIFIED (tests/accounts/test_personal_data_registry.py); if one holds "
        "data about a person, declare what erasure does to it in accounts.personal_data first: "
        f"{sorted(found - declared)}"
    )
    stale = sorted(declared - found)
    assert not stale, f"No such field, or a registry entry names it now: {stale}"
