"""The digest: a citizen hears by e-mail what became of their contributions (an answer to a recommendation
linked to the theme their proposal landed in, the synthesis citing it published), weekly by default,
immediately or never as they choose, once, in their language, with a one-click unsubscribe link."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import NoticePreference
from accounts.notification_preferences import set_preference, user_from_token
from accounts.services import erase_account, export_personal_data
from analysis import digest, tasks
from analysis.models import DigestItem
from consultation.models import Proposal
from deliberation import services as panel_services
from tests.analysis.conftest import published_report
from tests.analysis.test_contribution_trace import confirmed_link, decided_recommendation, themes_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Le registre sera ouvert en 2027."


def fr(text: str) -> str:
    """French typography: a no-break space inside « » (written with plain spaces here)."""
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


def _author(proposal, user):
    Proposal.objects.filter(pk=proposal.pk).update(author=user, author_key=f"u{user.pk}")


@pytest.fixture
def answered(organiser, citizen):
    """A published synthesis (proposal i in "Alimentation" if even, "Logement" if odd); the citizen
    wrote proposal 0; an adopted recommendation linked to "Alimentation" got the ministry's answer.
    Another citizen wrote proposal 1 ("Logement": no recommendation linked)."""
    consultation = published_report("don-resume", 4)
    proposals = list(Proposal.objects.filter(consultation=consultation).order_by("id"))
    _author(proposals[0], citizen)
    recommendation = decided_recommendation(organiser, consultation, "Registre national des refus")
    confirmed_link(themes_of(consultation)["Alimentation"], recommendation, organiser)
    response = panel_services.record_response(
        actor=organiser,
        recommendation=recommendation,
        decision_maker="Ministère de la santé",
        body="DGS",
        status="partly_adopted",
        justification=JUSTIFICATION,
        answered_on=timezone.localdate(),
    )
    return consultation, proposals, recommendation, response


def _a_week_passes():
    """The news collected so far is now older than the latest weekly slot."""
    DigestItem.objects.update(created_at=timezone.now() - dt.timedelta(days=8))


def _beat():
    return tasks.send_digests()


def test_digest_names_the_recommendation_and_the_answer_in_french(answered, citizen, eager_celery):
    consultation, _proposals, recommendation, _response = answered
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    (message,) = mail.outbox
    assert message.to == [citizen.email]
    assert message.subject == "Ce que sont devenues vos contributions"
    body = message.body
    assert fr("La recommandation « Registre national des refus » du panel citoyen « Assises du don »") in body
    assert fr("Liée au thème « Alimentation », où votre contribution a été regroupée.") in body
    assert "Ministère de la santé (DGS)" in body and "Partiellement adoptée" in body and JUSTIFICATION in body
    assert reverse("deliberation:recommendation", args=[recommendation.pk]) in body
    # The synthesis citing the proposal, published: told in the same e-mail.
    assert fr("La synthèse de la consultation « Consultation test »") in body
    assert reverse("analysis:report", args=[consultation.slug]) in body
    assert "/consultations/mes-contributions/" in body
    # The unsubscribe link, in the body and in the RFC 8058 headers.
    # The token is signed with the second it was made in: read it back from the e-mail rather than make
    # another one (a second may tick between the two), and check it names this citizen.
    prefix = reverse("accounts:unsubscribe", args=["TOKEN"]).split("TOKEN")[0]
    (token,) = set(re.findall(re.escape(prefix) + r"([^/\s>]+)/", body))
    assert user_from_token(token) == citizen
    link = reverse("accounts:unsubscribe", args=[token])
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_digest_in_english_for_a_citizen_who_chose_english(answered, citizen, eager_celery):
    set_preference(user=citizen, digest="immediate", language="en")
    _beat()
    (message,) = mail.outbox
    assert message.subject == "What became of your contributions"
    body = message.body
    assert "The recommendation “Registre national des refus” of the citizen panel “Assises du don”" in body
    assert "Linked to the theme “Alimentation”, where your contribution was grouped." in body
    assert "Partly adopted" in body and JUSTIFICATION in body
    assert "To stop this news in one click, without signing in:" in body


def test_without_a_choice_the_language_is_the_one_of_the_latest_proposal(answered, citizen, eager_celery):
    _consultation, proposals, _rec, _response = answered
    Proposal.objects.filter(pk=proposals[0].pk).update(language="en")
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    assert mail.outbox[0].subject == "What became of your contributions"


def test_only_the_citizens_of_the_linked_theme_hear_of_the_answer(answered, eager_celery):
    _consultation, proposals, _rec, _response = answered
    other = UserFactory(roles=["citizen"])
    _author(proposals[1], other)  # "Logement": no recommendation linked there
    set_preference(user=other, digest="immediate", language="en")
    digest.collect()
    kinds = set(DigestItem.objects.filter(user=other).values_list("kind", flat=True))
    assert kinds == {"synthesis"}  # the synthesis cites their proposal; no answer concerns them
    _beat()
    (message,) = mail.outbox
    assert "Registre national des refus" not in message.body
    assert "Your contribution was grouped in the theme “Logement”." in message.body


def test_weekly_by_default_waits_for_the_week(answered, citizen, eager_celery):
    assert not NoticePreference.objects.filter(user=citizen).exists()  # never chose: weekly
    _beat()
    assert mail.outbox == []  # collected, waiting for the weekly slot
    assert DigestItem.objects.filter(user=citizen, sent_at__isnull=True).count() == 2
    _a_week_passes()
    _beat()
    (message,) = mail.outbox
    assert "Registre national des refus" in message.body and "Consultation test" in message.body


def test_immediate_sends_at_the_next_beat(answered, citizen, eager_celery):
    set_preference(user=citizen, digest="immediate", language="fr")
    result = _beat()
    assert result["digests"] == 1 and len(mail.outbox) == 1


def test_switching_from_weekly_to_immediate_sends_what_waits(answered, citizen, eager_celery):
    _beat()
    assert mail.outbox == []
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    assert len(mail.outbox) == 1


def test_none_sends_nothing_ever(answered, citizen, eager_celery):
    set_preference(user=citizen, digest="none", language="")
    _beat()
    _a_week_passes()
    _beat()
    assert mail.outbox == []
    assert not DigestItem.objects.filter(user=citizen).exists()  # not even kept for later


def test_news_waiting_when_the_citizen_chooses_none_is_dropped(answered, citizen, eager_celery):
    _beat()
    set_preference(user=citizen, digest="none", language="")
    _a_week_passes()
    _beat()
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    assert mail.outbox == []


def test_the_email_notices_switch_off_sends_no_digest(answered, citizen, eager_celery):
    citizen.email_notices = False
    citizen.save()
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    assert mail.outbox == []


def test_sent_once_even_if_the_beat_runs_twice(answered, citizen, eager_celery):
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    _beat()
    assert len(mail.outbox) == 1
    # Even a digest task delivered twice (at-least-once) or items marked unsent again send nothing more.
    DigestItem.objects.update(sent_at=None)
    assert digest.send_digest(citizen.pk) is False
    _beat()
    assert len(mail.outbox) == 1


def test_a_new_answer_is_told_in_a_new_digest(answered, organiser, citizen, eager_celery):
    _consultation, _proposals, recommendation, _response = answered
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    panel_services.record_response(
        actor=organiser,
        recommendation=recommendation,
        decision_maker="Ministère de la santé",
        body="DGS",
        status="adopted",
        justification="Le décret est publié.",
        answered_on=timezone.localdate(),
    )
    _beat()
    assert len(mail.outbox) == 2
    second = mail.outbox[1].body
    assert "Le décret est publié." in second and JUSTIFICATION not in second
    assert "La synthèse de la consultation" not in second  # told once per consultation


def test_an_answer_linked_after_it_was_given_is_told(organiser, citizen, eager_celery):
    consultation = published_report("don-lien-tardif", 2)
    _author(Proposal.objects.filter(consultation=consultation).order_by("id").first(), citizen)
    recommendation = decided_recommendation(organiser, consultation, "Droit d'opposition en un clic")
    panel_services.record_response(
        actor=organiser, recommendation=recommendation, decision_maker="Ministre", body="DGS",
        status="adopted", justification="Adopté.", answered_on=timezone.localdate(),
    )  # fmt: skip
    set_preference(user=citizen, digest="immediate", language="")
    _beat()  # the answer, linked to no theme yet: only the synthesis is news
    assert "Droit d'opposition en un clic" not in mail.outbox[0].body
    confirmed_link(themes_of(consultation)["Alimentation"], recommendation, organiser)
    _beat()
    assert "Droit d'opposition en un clic" in mail.outbox[1].body


def test_a_draft_recommendation_is_never_told(organiser, citizen, eager_celery):
    consultation = published_report("don-brouillon", 2)
    _author(Proposal.objects.filter(consultation=consultation).order_by("id").first(), citizen)
    draft = decided_recommendation(organiser, consultation, "Brouillon secret", status="draft")
    confirmed_link(themes_of(consultation)["Alimentation"], draft, organiser)
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    assert all("Brouillon secret" not in m.body for m in mail.outbox)


def test_weekly_slot_is_the_latest_monday_morning(settings):
    settings.PACTE_DIGEST_WEEKDAY, settings.PACTE_DIGEST_HOUR = 0, 8
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    wednesday = dt.datetime(2026, 12, 9, 15, 0, tzinfo=paris)
    assert digest.weekly_slot(wednesday) == dt.datetime(2026, 12, 7, 8, 0, tzinfo=paris)
    early_monday = dt.datetime(2026, 12, 7, 7, 0, tzinfo=paris)
    assert digest.weekly_slot(early_monday) == dt.datetime(2026, 11, 30, 8, 0, tzinfo=paris)


def test_the_digest_choice_on_my_account(client, citizen):
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "News of what became of my contributions" in page
    assert re.search(r'value="weekly"[^>]* checked', page)  # the default, before any choice
    response = client.post(reverse("accounts:digest_preference"), {"digest": "immediate", "language": "en"})
    assert response.status_code == 302
    preference = NoticePreference.objects.get(user=citizen)
    assert (preference.digest, preference.language) == ("immediate", "en")
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Your e-mail preference has been saved." in page


def test_the_digest_choice_is_exported_and_erased(answered, citizen, eager_celery):
    set_preference(user=citizen, digest="immediate", language="en")
    _beat()
    data = export_personal_data(citizen)
    assert data["account"]["news_of_my_contributions"] == {"frequency": "immediate", "language": "en"}
    assert {item["kind"] for item in data["news_of_my_contributions"]} == {"answer", "synthesis"}
    erase_account(user=citizen, keep_contributions=True)
    assert not NoticePreference.objects.filter(user=citizen).exists()
    assert not DigestItem.objects.filter(user=citizen).exists()


def test_one_click_unsubscribe_from_the_mail_client(answered, citizen, eager_celery):
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no session and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        "/" + path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert NoticePreference.objects.get(user=citizen).digest == "none"


def test_news_for_someone_who_turned_the_emails_off_is_not_sent_nor_kept(answered, citizen, eager_celery):
    set_preference(user=citizen, digest="immediate", language="")
    digest.collect()
    citizen.email_notices = False
    citizen.save()
    result = _beat()
    assert result["digests"] == 0 and mail.outbox == []  # no task queued for them at every beat
    assert not DigestItem.objects.filter(user=citizen).exists()


def test_answers_given_and_linked_before_the_synthesis_are_told_with_it(answered, citizen, eager_celery):
    """The answer and the link are older than the look-back: only the publication brings them to the
    citizen, whose contribution it places in the linked theme."""
    long_ago = timezone.now() - dt.timedelta(days=200)
    from analysis.models import ThemeRecommendationLink
    from deliberation.models import DecisionMakerResponse

    DecisionMakerResponse.objects.update(created_at=long_ago)
    ThemeRecommendationLink.objects.update(confirmed_at=long_ago)
    set_preference(user=citizen, digest="immediate", language="en")
    _beat()
    (message,) = mail.outbox
    assert "Registre national des refus" in message.body and JUSTIFICATION in message.body


# --- Answers to the citizen's own proposal and to the themes their contributions landed in ----------


THEME_FIELDS = {
    "decision_maker": "Mairie de Lyon",
    "body": "Direction de la santé",
    "status": "adopted",
    "justification": "La cantine bio sera généralisée à la rentrée.",
}


def _theme(consultation, label):
    from analysis.models import Theme

    return Theme.objects.get(run__consultation=consultation, label=label, parent=None)


def test_an_answer_to_the_citizens_own_proposal_is_told(answered, organiser, citizen, eager_celery):
    from consultation.answers import record_proposal_answer

    _consultation, proposals, _recommendation, _response = answered
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    mail.outbox.clear()
    record_proposal_answer(
        actor=organiser, proposal=Proposal.objects.get(pk=proposals[0].pk), answered_on=timezone.localdate(),
        **{**THEME_FIELDS, "justification": "Le registre est ouvert à tous dès janvier."},
    )  # fmt: skip
    _beat()
    (message,) = mail.outbox
    body = message.body
    assert fr("Votre proposition à la consultation « Consultation test » a reçu une réponse") in body
    assert "Proposition numéro 0" in body
    assert "Mairie de Lyon (Direction de la santé)" in body and "Adoptée" in body
    assert "Le registre est ouvert à tous dès janvier." in body
    assert reverse("consultation:proposal", args=[proposals[0].consultation.slug, proposals[0].pk]) in body
    # Told once: the next beat sends nothing.
    _beat()
    assert len(mail.outbox) == 1


def test_an_answer_to_someone_elses_proposal_is_not_told(answered, organiser, citizen, eager_celery):
    from consultation.answers import record_proposal_answer

    _consultation, proposals, _recommendation, _response = answered
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    mail.outbox.clear()
    record_proposal_answer(
        actor=organiser, proposal=Proposal.objects.get(pk=proposals[2].pk), answered_on=timezone.localdate(),
        **THEME_FIELDS,
    )  # fmt: skip
    _beat()
    assert mail.outbox == []


def test_an_answer_to_the_citizens_theme_is_told_in_english(answered, organiser, citizen, eager_celery):
    from analysis.theme_answers import record_theme_answer

    consultation, proposals, _recommendation, _response = answered
    other = UserFactory()
    _author(proposals[1], other)  # in "Logement": not concerned by an answer to "Alimentation"
    set_preference(user=citizen, digest="immediate", language="en")
    set_preference(user=other, digest="immediate", language="")
    _beat()
    mail.outbox.clear()
    record_theme_answer(
        actor=organiser, theme=_theme(consultation, "Alimentation"), answered_on=timezone.localdate(),
        **THEME_FIELDS,
    )  # fmt: skip
    _beat()
    (message,) = mail.outbox
    assert message.to == [citizen.email]
    body = message.body
    assert "The theme “Alimentation” of the consultation “Test consultation”, where your contribution" in body
    assert "Mairie de Lyon (Direction de la santé)" in body and "Adopted" in body
    assert THEME_FIELDS["justification"] in body
    assert reverse("consultation:followup", args=[consultation.slug]) in body
    _beat()
    assert len(mail.outbox) == 1


def test_a_theme_answered_before_the_lookback_is_told_with_the_synthesis(answered, organiser, citizen):
    """The publication brings the answers already given to its themes (told once per person)."""
    from analysis.models import PublishedSynthesis, ThemeAnswer
    from analysis.theme_answers import record_theme_answer

    consultation, _proposals, _recommendation, _response = answered
    answer = record_theme_answer(
        actor=organiser, theme=_theme(consultation, "Alimentation"), answered_on=timezone.localdate(),
        **THEME_FIELDS,
    )  # fmt: skip
    long_ago = timezone.now() - dt.timedelta(days=200)
    ThemeAnswer.objects.update(created_at=long_ago)
    assert PublishedSynthesis.objects.filter(consultation=consultation).exists()
    digest.collect()
    assert DigestItem.objects.filter(user=citizen, kind="theme", object_id=answer.pk).count() == 1
    digest.collect()
    assert DigestItem.objects.filter(user=citizen, kind="theme").count() == 1


def test_a_panel_answer_is_told_as_published_personal_data_replaced(
    answered, organiser, citizen, eager_celery
):
    """The digest is a published text: the justification leaves through the one scrubbed exit, as on the
    recommendation's page (an organiser may paste a citizen's address into it)."""
    _consultation, _proposals, recommendation, _response = answered
    set_preference(user=citizen, digest="immediate", language="")
    _beat()
    panel_services.record_response(
        actor=organiser,
        recommendation=recommendation,
        decision_maker="Ministère de la santé",
        body="DGS",
        status="adopted",
        justification="Suite au courriel de jean.dupont@example.org, le décret est publié.",
        answered_on=timezone.localdate(),
    )
    _beat()
    second = mail.outbox[1].body
    assert "le décret est publié" in second and "jean.dupont@example.org" not in second
