import re

import pytest

from deliberation import services
from deliberation.models import Volunteer

CSV = """id,contact,gender,age_band,region,address
v1,a@example.org,female,25-34,bretagne,"1 rue de Brest, Rennes"
v2,b@example.org,male,,bretagne,
,c@example.org,male,35-49,occitanie,
v1,d@example.org,female,50-64,corse,
v5,e@example.org,male,65+,normandie,,extra
v6,f@example.org,female,16-24,grand-est,

v7,g@example.org,other,35-49,ile-de-france,"2 av. Foch, Paris"
"""


def test_bad_rows_are_reported_with_line_numbers_and_good_rows_kept(panel, organiser):
    report = services.import_volunteers(actor=organiser, panel=panel, text=CSV)
    assert report.created == 3
    assert [(p.line, p.column, p.value) for p in report.errors] == [
        (3, "age_band", ""), (4, "id", ""), (5, "id", "v1"), (6, "", "extra")
    ]  # fmt: skip
    messages = {p.line: p.problem for p in report.errors}
    assert "age_band" in messages[3] and "empty" in messages[4] and "twice" in messages[5]
    assert "more values" in messages[6]
    kept = {v.external_id: v for v in Volunteer.objects.filter(panel=panel)}
    assert sorted(kept) == ["v1", "v6", "v7"]
    assert kept["v1"].strata == {"gender": "female", "age_band": "25-34", "region": "bretagne"}
    assert kept["v1"].address == "1 rue de Brest, Rennes" and kept["v1"].contact == "a@example.org"


def test_reimport_reports_ids_already_in_the_pool_and_semicolons_work(panel, organiser):
    services.import_volunteers(actor=organiser, panel=panel, text="id;gender\nx1;female\n")
    report = services.import_volunteers(
        actor=organiser, panel=panel, text="\ufeffid;gender\nx1;male\nx2;male\n"
    )
    assert report.created == 1 and report.errors[0].line == 2
    assert report.errors[0].problem == "id x1 is already in the pool with other values"
    assert Volunteer.objects.filter(panel=panel).count() == 2


def test_file_without_id_or_strata_is_refused_whole(panel, organiser):
    with pytest.raises(services.DeliberationError, match="id"):
        services.import_volunteers(actor=organiser, panel=panel, text="name,gender\nA,female\n")
    with pytest.raises(services.DeliberationError, match="strata"):
        services.import_volunteers(actor=organiser, panel=panel, text="id,contact\n1,a@b.c\n")
    assert not Volunteer.objects.exists()


def test_citizen_volunteers_with_strata_copied_and_consent(panel, citizen, organiser):
    from accounts.services import update_profile

    update_profile(user=citizen, strata={"gender": "female", "departement": "35"})
    services.set_panel_status(actor=organiser, panel=panel, status="recruiting")
    with pytest.raises(services.DeliberationError, match="confirm"):
        services.volunteer(user=citizen, panel=panel, consent=False)
    person = services.volunteer(user=citizen, panel=panel, consent=True)
    assert person.strata == {"gender": "female", "region": "bretagne"}
    assert person.consent_at is not None
    update_profile(user=citizen, strata={"gender": "male"})
    person.refresh_from_db()
    assert person.strata["gender"] == "female"  # copied at volunteering time
    with pytest.raises(services.DeliberationError, match="already"):
        services.volunteer(user=citizen, panel=panel, consent=True)


def test_quotas_summing_above_the_panel_size_are_refused(panel, organiser):
    quotas = [services.QuotaInput("gender", "female", 3, 4), services.QuotaInput("gender", "male", 2, 4)]
    with pytest.raises(services.DeliberationError) as error:
        services.replace_quotas(actor=organiser, panel=panel, quotas=quotas)
    assert "5" in str(error.value) and "4" in str(error.value)
    assert not panel.quotas.exists()


def test_unknown_profile_values_are_refused_by_line_and_labels_are_understood(panel, organiser):
    """A profile column with a value quotas can never match (35_49 for 35-49) is refused, naming the column,
    the value and what is accepted; a label in French or English is read as its value; a column of the
    organiser's own stays free."""
    text = (
        "id,gender,age_band,region,quartier\n"
        "v1,female,35_49,bretagne,Nord\n"
        "v2,Femme,35-49,Île-de-France,Sud\n"
        "v3,man,65 and over,bretagne,n'importe quoi\n"
        "v4,female,25-34,Atlantide,Est\n"
    )
    report = services.import_volunteers(actor=organiser, panel=panel, text=text)
    assert report.created == 2
    problems = {p.line: p for p in report.errors}
    assert sorted(problems) == [2, 5]
    assert (problems[2].column, problems[2].value) == ("age_band", "35_49")
    assert (
        problems[2].problem
        == "not a value of this question; accepted values: 16-24, 25-34, 35-49, 50-64, 65+"
    )
    assert (problems[5].column, problems[5].value) == ("region", "Atlantide")
    assert "ile-de-france" in problems[5].problem
    kept = {v.external_id: v.strata for v in Volunteer.objects.filter(panel=panel)}
    assert kept["v2"] == {
        "gender": "female", "age_band": "35-49", "region": "ile-de-france", "quartier": "Sud"
    }  # fmt: skip
    assert kept["v3"]["gender"] == "male" and kept["v3"]["age_band"] == "65+"
    assert kept["v3"]["quartier"] == "n'importe quoi"


def _import(client, panel, content: bytes, language: str):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("deliberation:import_volunteers", args=[panel.pk]),
        {"file": SimpleUploadedFile("v.csv", content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _problem_rows(html: str) -> list[list[str]]:
    """The table of lines not imported, as cell texts."""
    import re
    from html import unescape

    table = html[html.index('id="import-problems"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :], flags=re.S)
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in rows
    ]


IMPORT_TEXT = {
    "en": {
        "summary": "Some lines of the file were not imported",
        "field": "1 line was not imported: see the table of lines not imported below.",
        "problem": "Not a value of this question; accepted values: 16-24, 25-34, 35-49, 50-64, 65+",
        "imported": "1 volunteer imported.",
    },
    "fr": {
        "summary": "Certaines lignes du fichier n’ont pas été importées",
        "field": "1 ligne n’a pas été importée\u00a0: voir le tableau des lignes non importées ci-dessous.",
        "problem": "Pas une valeur de cette question\u00a0; valeurs acceptées\u00a0: "
        "16-24, 25-34, 35-49, 50-64, 65+",
        "imported": "1 volontaire importé.",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_import_page_shows_refused_lines_next_to_the_field_and_keeps_the_good_ones(
    client, panel, organiser, language
):
    """A bad line comes back in the page, not as a banner: a summary linking to the file field, the message
    tied to the field (aria-describedby), a table of line, column, value and problem; the good line stays
    imported, and the corrected file sent again imports only the corrected line."""
    from tests.conftest import with_totp
    from tests.deliberation.conftest import messages_of

    client.force_login(with_totp(organiser))
    page = _import(client, panel, b"id,age_band\n1,35_49\n2,35-49\n", language)
    assert page.status_code == 200
    html = page.content.decode()
    text = IMPORT_TEXT[language]
    assert messages_of(page) == [text["imported"]]  # the count only: no banner per line
    assert text["summary"] in html and text["field"] in html
    summary = html[html.index(text["summary"]) : html.index("<form", html.index(text["summary"]))]
    assert 'href="#id_file"' in summary and 'href="#import-problems"' in summary
    assert 'aria-describedby="id_file-hint id_file-error"' in html and 'aria-invalid="true"' in html
    assert re.search(r'<label class="fr-label" for="id_file">[^<]*</label>', html)  # the hint is read once
    assert 'id="id_file-error"' in html and 'type="file" name="file" id="id_file"' in html
    assert _problem_rows(html) == [["2", "age_band", "35_49", text["problem"]]]
    assert Volunteer.objects.get(panel=panel).strata == {"age_band": "35-49"}

    corrected = _import(client, panel, b"id,age_band\n1,35-49\n2,35-49\n", language)
    assert corrected.status_code == 302
    assert sorted(Volunteer.objects.filter(panel=panel).values_list("external_id", flat=True)) == ["1", "2"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_file_refused_whole_is_explained_next_to_the_field(client, panel, organiser, language):
    from html import unescape

    from tests.conftest import with_totp

    client.force_login(with_totp(organiser))
    services.import_volunteers(actor=organiser, panel=panel, text="id,gender\nx1,female\n")
    refused = {
        "en": "The file must have a header line with an 'id' column.",
        "fr": "Le fichier doit avoir une ligne d’en-tête avec une colonne «\u00a0id\u00a0».",
    }
    for content, message in ((b"name,gender\nA,female\n", refused[language]), (b"\xff\xfe\x00", "UTF-8")):
        page = _import(client, panel, content, language)
        html = unescape(page.content.decode())
        assert page.status_code == 200 and message in html
        assert 'aria-describedby="id_file-hint id_file-error"' in html and 'id="import-problems"' not in html
    assert list(Volunteer.objects.filter(panel=panel).values_list("external_id", flat=True)) == ["x1"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_imported_file_comes_back_to_the_import_with_its_outcome_said_there(
    client, panel, organiser, language
):
    """The form is far down the management page (its action ends in "#import"): the page comes back to it
    with "N volunteers imported" inside the import section, not out of sight at the top
    (accounts/beside.py)."""
    from django.urls import reverse

    from tests.conftest import with_totp
    from tests.html_parts import elements

    client.force_login(with_totp(organiser))
    response = _import(client, panel, b"id,gender\nv1,female\nv2,male\n", language)
    manage = reverse("deliberation:manage", args=[panel.pk])
    assert response["Location"] == f"{manage}#said-import"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    said = next(e for e in elements(page) if e["attrs"].get("id") == "said-import")
    assert said["attrs"]["role"] == "status" and said["parent"]["attrs"]["id"] == "import"
    assert said["text"] == {"en": "2 volunteers imported.", "fr": "2 volontaires importés."}[language]
