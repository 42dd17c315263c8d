"""What members and organisers read after a form: the success message, or the refusal, on the page they
return to; nothing saved on a refusal."""

import re

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Amendment, Attendance, Panel, PanelMember, Quota, Selection, Volunteer
from tests.conftest import with_totp
from tests.deliberation.conftest import messages_of

from .conftest import seat


def test_volunteer_page_messages(client, citizen, panel, organiser):
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    client.force_login(citizen)
    url = reverse("deliberation:volunteer", args=[panel.pk])
    first = client.post(url, {"consent": "on"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert first.redirect_chain[-1][0] == reverse("deliberation:panel_detail", args=[panel.pk])
    assert messages_of(first) == ["Thank you: you are in the pool of volunteers for this panel."]
    again = client.post(url, {"consent": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200 and messages_of(again) == ["You have already volunteered for this panel."]
    services.withdraw_volunteering(user=citizen, panel=panel)
    form_page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "I agree that the answers of my profile" in form_page
    # Only the name and the contact are optional; the consent is required (never marked optional).
    assert form_page.count("(Optional)") == 2
    without_consent = client.post(url, {}, HTTP_ACCEPT_LANGUAGE="en")
    assert without_consent.status_code == 200  # the form again, with the reason under the box
    page = without_consent.content.decode()
    assert "Please confirm that your profile answers" in page and "fr-checkbox-group--error" in page
    assert not Volunteer.objects.exists()


def test_check_in_code_messages(client, panel, session):
    """A refused code is shown under the session's code field, with the code as typed, on the member space."""
    member = seat(panel)
    client.force_login(member.volunteer.user)
    url = reverse("deliberation:check_in_code", args=[session.pk])
    wrong = client.post(url, {"code": "ZZZZZZ"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200 and messages_of(wrong) == []
    page = wrong.content.decode()
    assert "This code is not the code of this session." in page
    assert 'value="ZZZZZZ"' in page and "fr-input-group--error" in page
    empty = client.post(url, {"code": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This field is required." in empty.content.decode() and messages_of(empty) == []
    assert not Attendance.objects.exists()
    right = client.post(url, {"code": session.checkin_code.lower()}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert messages_of(right) == ["You are checked in at this session."]
    assert right.redirect_chain[-1][0] == reverse("deliberation:member_space", args=[panel.pk])
    assert Attendance.objects.filter(member=member, method="code").exists()


def test_amendment_messages(client, panel, recommendation):
    member = seat(panel)
    client.force_login(member.volunteer.user)
    url = reverse("deliberation:propose_amendment", args=[recommendation.pk])
    empty = client.post(url, {"text": "   ", "explanation": "Plus simple."}, HTTP_ACCEPT_LANGUAGE="en")
    page = empty.content.decode()
    assert empty.status_code == 200 and "This field is required." in page and "Plus simple." in page
    assert not Amendment.objects.exists()
    sent = client.post(
        url, {"text": "Un registre en ligne et papier."}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert messages_of(sent) == ["Your amendment has been sent to the facilitators."]
    assert Amendment.objects.get().text == "Un registre en ligne et papier."


@pytest.fixture
def seated_with_reserve(panel):
    """Two members and one reserve, all women, under a quota of 1 to 2 women: a replacement is possible."""
    pytest.importorskip("deliberation.sortition")
    Quota.objects.create(panel=panel, category="gender", value="female", min=1, max=2)
    leaving, _staying = seat(panel), seat(panel)
    Volunteer.objects.filter(panel=panel).update(strata={"gender": "female"})
    reserve = Volunteer.objects.create(
        panel=panel, strata={"gender": "female"}, source="import", external_id="r1"
    )
    Selection.objects.filter(panel=panel).update(reserves=[str(reserve.pk)])
    return leaving, reserve


def test_replace_member_names_the_newcomer_then_explains_when_no_reserve_is_left(
    client, panel, organiser, seated_with_reserve
):
    leaving, reserve = seated_with_reserve
    client.force_login(with_totp(organiser))
    url = reverse("deliberation:replace_member", args=[leaving.pk])
    done = client.post(url, {"reason": "A quitté le panel"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert messages_of(done) == [f"Volunteer #{reserve.pk} takes the seat."]
    assert done.redirect_chain[-1][0] == reverse("deliberation:manage", args=[panel.pk])
    newcomer = PanelMember.objects.get(volunteer=reserve, status="active")
    staying = PanelMember.objects.filter(status="active").exclude(pk=newcomer.pk).get()
    refused = client.post(
        reverse("deliberation:replace_member", args=[staying.pk]),
        {"reason": "Absente"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "No reserve can take this seat" in messages_of(refused)[0]
    staying.refresh_from_db()
    assert staying.status == "active"


REFUSED = {
    "en": "No reserve can take this seat while keeping every quota. The sortition library explains why:",
    "fr": "Aucun suppléant ne peut prendre ce siège en respectant tous les quotas. La bibliothèque de "
    "tirage au sort explique pourquoi (en anglais)\u00a0:",
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_sortition_librarys_reason_for_refusing_a_replacement_is_marked_as_english(
    client, panel, organiser, seated_with_reserve, language
):
    """The refusal is worded in the reader's language; the sortition core's own explanation (English
    only, naming the seat and the quota values) follows it as it is, inside an element marked as English."""
    leaving, _reserve = seated_with_reserve
    Selection.objects.filter(panel=panel).update(reserves=[])  # nobody left to call
    client.force_login(with_totp(organiser))
    url = reverse("deliberation:replace_member", args=[leaving.pk])
    refused = client.post(url, {"reason": "Absente"}, follow=True, HTTP_ACCEPT_LANGUAGE=language)
    page = refused.content.decode()
    [explanation] = re.findall(r'<span lang="en">(.*?)</span>', page, flags=re.S)
    assert explanation.startswith(f"No reserve can take the seat of {leaving.volunteer_id} while keeping")
    assert f'<p>{REFUSED[language]} <span lang="en">{explanation}</span></p>' in page
    assert page.count("No reserve can take the seat of") == 1  # nowhere outside the element marked English
    leaving.refresh_from_db()
    assert leaving.status == "active"


def test_the_sortition_librarys_reason_is_escaped(client, panel, organiser, seated_with_reserve, monkeypatch):
    leaving, _reserve = seated_with_reserve
    sortition = services.load_sortition()

    def refuse(*args, **kwargs):
        raise sortition.NoValidReplacement('A newcomer must have gender=<b>female</b> & "no" quota at max.')

    monkeypatch.setattr(sortition, "replace_dropout", refuse)
    client.force_login(with_totp(organiser))
    url = reverse("deliberation:replace_member", args=[leaving.pk])
    page = client.post(url, {"reason": "Absente"}, follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        f'<p>{REFUSED["en"]} <span lang="en">A newcomer must have gender=&lt;b&gt;female&lt;/b&gt; &amp; '
        "&quot;no&quot; quota at max.</span></p>"
    ) in page
    assert "<b>female</b>" not in page
