"""A volunteer file as spreadsheets save it imports as a contribution file does (one CSV reader,
textsafety.csv_reader): French Excel's "CSV (séparateur : point-virgule)" in Windows-1252, with or without
a byte-order mark, Excel's "Unicode text" (UTF-16, tabs); a broken file is refused in the reader's
language, and an unclosed quote costs its own line only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deliberation import services
from deliberation.models import Volunteer
from tests.conftest import with_totp

from .conftest import messages_of

ROWS = [
    ["id", "name", "gender", "region", "quartier"],
    ["h1", "Hélène Œttinger", "Femme", "Île-de-France", "Côte"],
    ["h2", "François Lefèvre", "Homme", "Provence-Alpes-Côte d'Azur", "Été"],
]


def _saved(encoding: str, separator: str, mark: bytes = b"") -> bytes:
    text = "\r\n".join(separator.join(row) for row in ROWS) + "\r\n"  # Excel ends lines with CR LF
    return mark + text.encode(encoding)


FILES = {
    "French Excel (Windows-1252, ;)": _saved("cp1252", ";"),
    "CSV UTF-8 with its mark (;)": _saved("utf-8", ";", b"\xef\xbb\xbf"),
    "UTF-8 without mark (,)": _saved("utf-8", ","),
    "Unicode text (UTF-16 LE with its mark, tabs)": _saved("utf-16-le", "\t", b"\xff\xfe"),
    "UTF-16 BE with its mark (;)": _saved("utf-16-be", ";", b"\xfe\xff"),
}


@pytest.mark.parametrize("saved_as", sorted(FILES))
def test_a_volunteer_file_saved_by_a_spreadsheet_imports(panel, organiser, saved_as):
    report = services.import_volunteers(actor=organiser, panel=panel, data=FILES[saved_as])
    assert (report.created, report.errors) == (2, [])
    kept = {v.external_id: v for v in Volunteer.objects.filter(panel=panel)}
    assert kept["h1"].name == "Hélène Œttinger"
    assert kept["h1"].strata == {"gender": "female", "region": "ile-de-france", "quartier": "Côte"}
    assert kept["h2"].strata["quartier"] == "Été" and kept["h2"].strata["gender"] == "male"
    assert report.encoding == ("cp1252" if "1252" in saved_as else "utf-16" if "16" in saved_as else "utf-8")


def _import(client, panel, content: bytes, language: str):
    return client.post(
        reverse("deliberation:import_volunteers", args=[panel.pk]),
        {"file": SimpleUploadedFile("volontaires.csv", content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


PAGE_TEXT = {
    "en": {
        "imported": "2 volunteers imported.",
        "cp1252": "The file was not UTF-8: it was read as Windows-1252. Check that accents look right.",
        "unreadable": "The file's character encoding cannot be read: please save it as UTF-8 CSV.",
        "quote": "A quotation mark is not closed",
        "null": "Line %d holds a null character, which no text file has: please save the file as UTF-8 CSV.",
    },
    "fr": {
        "imported": "2 volontaires importés.",
        "cp1252": "Le fichier n’était pas en UTF-8\u00a0: il a été lu en Windows-1252. Vérifiez que les "
        "accents sont corrects.",
        "unreadable": "L’encodage des caractères du fichier est illisible\u00a0: enregistrez-le en CSV "
        "UTF-8.",
        "quote": "Un guillemet n’est pas fermé",
        "null": "La ligne %d contient un caractère nul, qu’aucun fichier texte ne contient\u00a0: "
        "enregistrez le fichier en CSV UTF-8.",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_import_page_reads_french_excel_and_says_how(client, panel, organiser, language):
    client.force_login(with_totp(organiser))
    page = _import(client, panel, FILES["French Excel (Windows-1252, ;)"], language)
    assert page.status_code == 302
    shown = messages_of(client.get(page.url, HTTP_ACCEPT_LANGUAGE=language))
    assert PAGE_TEXT[language]["imported"] in shown and PAGE_TEXT[language]["cp1252"] in shown
    assert Volunteer.objects.get(panel=panel, external_id="h1").name == "Hélène Œttinger"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_broken_file_is_refused_in_the_readers_language(client, panel, organiser, language):
    """Bytes that are no text in any encoding a spreadsheet writes (0x81 is undefined in Windows-1252,
    a UTF-16 mark followed by an odd number of bytes): the whole file is refused under the file field."""
    from html import unescape

    client.force_login(with_totp(organiser))
    for content in (b"id;gender\r\n\x81\x90;female\r\n", b"\xff\xfei\x00d\x00;"):
        page = _import(client, panel, content, language)
        html = unescape(page.content.decode())
        assert page.status_code == 200 and PAGE_TEXT[language]["unreadable"] in html
        assert 'id="id_file-error"' in html
    assert not Volunteer.objects.filter(panel=panel).exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_unclosed_quote_costs_its_line_only(client, panel, organiser, language):
    client.force_login(with_totp(organiser))
    content = 'id;gender;address\r\nq1;female;"1 rue Haute\r\nq2;male;2 rue Basse\r\nq3;female;"3, quai"\r\n'
    page = _import(client, panel, content.encode("cp1252"), language)
    html = page.content.decode()
    assert page.status_code == 200 and PAGE_TEXT[language]["quote"] in html.replace("&#x27;", "'")
    imported = dict(Volunteer.objects.filter(panel=panel).values_list("external_id", "address"))
    assert imported == {"q2": "2 rue Basse", "q3": "3, quai"}


# Files that hold a null character: a zip, a spreadsheet's .xlsx (a zip too), a picture, a CSV with a
# NUL in a cell or in a column's name. PostgreSQL refuses NUL in any text or JSON: such a file was a 500
# (found by fuzzing the imports). The reader refuses it, naming the line of its first null character (none
# for a picture, no text in any encoding read); UTF-16 saved without its mark, the one text that holds zero
# bytes, is read as such.
NUL_FILES = {
    "zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00id;gender\x00\x00\x00", 1),
    "picture": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), None),
    "NUL in a cell": (b"id;gender;quartier\r\nn1;female;Nord\r\nn2;female;C\x00te\r\n", 3),
    "NUL in a column's name": (b"id;gen\x00der\r\nn1;female\r\n", 1),
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_file_with_a_null_character_is_refused_and_the_pool_kept(client, panel, organiser, language):
    services.import_volunteers(actor=organiser, panel=panel, data=FILES["UTF-8 without mark (,)"])
    client.force_login(with_totp(organiser))
    for name, (content, line) in NUL_FILES.items():
        page = _import(client, panel, content, language)
        assert page.status_code == 200, name
        said = PAGE_TEXT[language]["null"] % line if line else PAGE_TEXT[language]["unreadable"]
        assert said in page.content.decode().replace("&#x27;", "'"), name
    assert sorted(Volunteer.objects.filter(panel=panel).values_list("external_id", flat=True)) == ["h1", "h2"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_saved_without_its_mark_imports(panel, organiser, codec):
    report = services.import_volunteers(actor=organiser, panel=panel, data=_saved(codec, "\t"))
    assert (report.created, report.errors, report.encoding) == (2, [], "utf-16")
    assert Volunteer.objects.get(panel=panel, external_id="h1").name == "Hélène Œttinger"
