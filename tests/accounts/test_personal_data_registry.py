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
