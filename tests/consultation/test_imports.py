import csv
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from consultation.models import Consultation, ContributionImport, Proposal, Vote
from consultation.tasks import run_contribution_import
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation
from tests.typography import misplaced_separators, visible_text

POLIS_FOLDERS = [
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "london.youth.policing",
]

GOOD_AND_BAD = (
    "id,texte,date,age\n"
    '1,"Un registre des refus simple, en ligne et au guichet",2026-01-02,25-34\n'
    "2,,2026-01-03,35-49\n"  # empty text
    '3,"Héberger les données en Europe, ""souverain""",03/01/2026,65+\n'
    '4,"Une citation jamais fermée,2026-01-04,16-24\n'  # broken quoting
    "5,Informer par le médecin traitant,pas une date,50-64\n"
    "6,Trop,de,cellules\n"
    f"7,{'x' * 1001},2026-01-05,25-34\n"
    "8,<script>alert(1)</script> Associer les patients,2026-01-06,\n"
)


def _run_import(tmp_path, content: bytes, **options):
    path = tmp_path / "contributions.csv"
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    call_command("import_contributions", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_bad_rows_are_reported_with_line_numbers_and_good_rows_kept(tmp_path, consultation):
    out, err = _run_import(
        tmp_path,
        GOOD_AND_BAD.encode(),
        consultation=consultation.slug,
        text_column="texte",
        date_column="date",
        strata_columns="age",
    )
    texts = set(Proposal.objects.filter(source="import").values_list("text", flat=True))
    assert texts == {
        "Un registre des refus simple, en ligne et au guichet",
        'Héberger les données en Europe, "souverain"',
        "<script>alert(1)</script> Associer les patients",
    }
    for line in (3, 5, 6, 7, 8):
        assert f"Line {line}:" in err or f"Ligne {line}" in err, line
    assert "Line 2:" not in err and "Line 4:" not in err and "Line 9:" not in err
    europe = Proposal.objects.get(text__startswith="Héberger")
    assert europe.strata == {"age": "65+"} and europe.created_at.date().isoformat() == "2026-01-03"
    # Importing the same file again adds nothing.
    out, err = _run_import(
        tmp_path,
        GOOD_AND_BAD.encode(),
        consultation=consultation.slug,
        text_column="texte",
        date_column="date",
    )
    assert Proposal.objects.filter(source="import").count() == 3
    assert "0 imported, 3 already present" in out


def test_windows_1252_file_is_read_with_a_warning(tmp_path, consultation):
    content = "texte;auteur\nDonnées hébergées en Europe;moi\nÊtre informé;toi\n".encode("cp1252")
    out, err = _run_import(tmp_path, content, consultation=consultation.slug, text_column="texte")
    assert set(Proposal.objects.values_list("text", flat=True)) == {
        "Données hébergées en Europe",
        "Être informé",
    }
    assert "Windows-1252" in err


def test_missing_column_is_a_clear_error(tmp_path, consultation):
    with pytest.raises(CommandError, match="texte"):
        _run_import(tmp_path, b"id,text\n1,abc\n", consultation=consultation.slug, text_column="texte")
    assert not Proposal.objects.exists()


def _send(client, consultation, content: bytes, **fields):
    """Send a file from the import page, then let the worker's task run (here, in this process)."""
    upload = SimpleUploadedFile("registre.csv", content, content_type="text/csv")
    address = reverse("consultation:import", args=[consultation.slug])
    response = client.post(address, {"file": upload, **fields}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    job = ContributionImport.objects.latest("id")
    assert job.state == "pending" and bytes(job.data) == content
    run_contribution_import(job.pk)
    job.refresh_from_db()
    return job, client.get(address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_upload_form_imports_through_a_task_and_reports_bad_rows_and_bad_files(
    client, organiser, consultation
):
    client.force_login(with_totp(organiser))
    job, page = _send(client, consultation, GOOD_AND_BAD.encode(), text_column="texte", date_column="date")
    assert job.state == "done" and job.progress == 100 and job.created == 3 and len(job.errors) == 5
    assert bytes(job.data) == b""  # the file is not kept once imported
    assert Proposal.objects.count() == 3
    assert "3 contributions importées" in page and "5 lignes illisibles" in page
    for line in (3, 5, 6, 7, 8):
        assert f"Ligne {line}" in page, line
    job, page = _send(client, consultation, GOOD_AND_BAD.encode(), text_column="texte", date_column="date")
    assert (job.created, job.skipped_existing) == (0, 3) and "3 lignes étaient déjà importées" in page
    job, page = _send(client, consultation, b"a,b\n1,2\n", text_column="texte")
    assert job.state == "failed" and "texte" in job.failure and "n’a pas pu être importé" in page
    job, page = _send(client, consultation, b"\x81\x8d\x8f\x90\x9d" * 10, text_column="texte")
    assert job.state == "failed" and "encodage" in job.failure and escape(job.failure) in page
    assert Proposal.objects.count() == 3  # nothing already saved was lost
    bad_form = client.post(reverse("consultation:import", args=[consultation.slug]), {"text_column": "texte"})
    assert bad_form.status_code == 400 and ContributionImport.objects.count() == 4


def test_the_page_follows_a_running_import_until_it_ends(client, organiser, citizen, consultation):
    client.force_login(with_totp(organiser))
    upload = SimpleUploadedFile("registre.csv", GOOD_AND_BAD.encode(), content_type="text/csv")
    page_address = reverse("consultation:import", args=[consultation.slug])
    client.post(page_address, {"file": upload, "text_column": "texte"})
    job = ContributionImport.objects.get()
    ContributionImport.objects.filter(pk=job.pk).update(state="running", progress=40)

    page = client.get(page_address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Un import est en cours" in page and 'value="40"' in page and "registre.csv" in page
    assert "pacte/live-progress.js" in page  # the bar moves without reloading (static/pacte/)
    progress_address = reverse("consultation:import_progress", args=[consultation.slug])
    assert client.get(progress_address, HTTP_ACCEPT_LANGUAGE="fr").json() == {
        "active": True, "file_name": "registre.csv", "status_label": "Import en cours", "percent": 40,
        "percent_label": "40\u00a0%",
    }  # fmt: skip

    run_contribution_import(job.pk)
    assert client.get(progress_address).json() == {"active": False}  # the script then reloads the page
    page = client.get(page_address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    job.refresh_from_db()
    assert "Un import est en cours" not in page and f"{job.created} contributions importées" in page

    client.force_login(citizen)
    assert client.get(progress_address).status_code == 403


@pytest.mark.parametrize(("language", "percent"), [("en", "40%"), ("fr", "40\u00a0%")])
def test_the_progress_of_an_import_is_written_the_way_of_the_pages_language(
    client, organiser, consultation, language, percent
):
    """English writes "40%", French "40 %" with a no-break space: in the page as loaded, and in the
    label the page's script (static/pacte/live-progress.js) copies from the progress answer."""
    ContributionImport.objects.create(
        consultation=consultation, created_by=organiser, file_name="registre.csv", text_column="texte",
        data=b"texte\nUn registre des refus en ligne\n", language="fr", state="running", progress=40,
    )  # fmt: skip
    client.force_login(with_totp(organiser))
    page = client.get(reverse("consultation:import", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language)
    text = visible_text(page.content.decode())
    assert percent in text and not misplaced_separators(text, language), misplaced_separators(text, language)
    progress_address = reverse("consultation:import_progress", args=[consultation.slug])
    assert client.get(progress_address, HTTP_ACCEPT_LANGUAGE=language).json()["percent_label"] == percent


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_file_sent_from_the_page(celery_worker_process, client):
    consultation = make_consultation(slug="registre-papier")
    client.force_login(with_totp(UserFactory(roles=["citizen", "organiser"])))
    rows = "".join(f"{i},Contribution du registre papier numéro {i}\n" for i in range(2500))
    upload = SimpleUploadedFile("registre.csv", f"id,texte\n{rows}".encode(), content_type="text/csv")
    address = reverse("consultation:import", args=[consultation.slug])
    assert client.post(address, {"file": upload, "text_column": "texte"}).status_code == 302
    job = ContributionImport.objects.get(consultation=consultation)
    deadline = time.monotonic() + 60
    while job.is_active and time.monotonic() < deadline:
        time.sleep(0.5)
        job.refresh_from_db()
    assert job.state == "done" and job.created == 2500 and job.progress == 100, job.failure
    assert Proposal.objects.filter(consultation=consultation, source="import").count() == 2500
    assert "2500 contributions imported" in client.get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_upload_form_sends_files_too_large_for_a_page_to_the_command(
    client, organiser, consultation, settings
):
    settings.PACTE_IMPORT_PAGE_MAX_MB = 0.0005  # 524 bytes: GOOD_AND_BAD is larger
    client.force_login(with_totp(organiser))
    upload = SimpleUploadedFile("c.csv", GOOD_AND_BAD.encode(), content_type="text/csv")
    response = client.post(
        reverse("consultation:import", args=[consultation.slug]),
        {"file": upload, "text_column": "texte"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = response.content.decode()
    assert response.status_code == 400 and "import_contributions" in page and "jusqu’à 0,0005 Mo" in page
    assert not Proposal.objects.exists()


def test_command_shows_progress_and_saves_every_batch(tmp_path, consultation):
    rows = "".join(f"{i},Proposition importée numéro {i}\n" for i in range(2500))
    out, err = _run_import(
        tmp_path, f"id,texte\n{rows}".encode(), consultation=consultation.slug, text_column="texte"
    )
    assert Proposal.objects.filter(source="import").count() == 2500
    assert "2500/2500" in err and "100%" in err  # the progress bar went to the end
    assert "2500 imported" in out


def _expected_votes(folder) -> dict[tuple[int, int], int]:
    """Each voter's last vote per comment, read independently of the importer."""
    last: dict[tuple[int, int], tuple[int, int]] = {}
    with (folder / "votes.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (int(row["voter-id"]), int(row["comment-id"]))
            stamp = int(row["timestamp"])
            if key not in last or stamp >= last[key][0]:
                last[key] = (stamp, int(row["vote"]))
    return {key: value for key, (_stamp, value) in last.items()}


@pytest.mark.parametrize("name", POLIS_FOLDERS)
def test_import_polis_matches_the_files(db, test_data, name):
    folder = test_data / "polis" / name
    slug = "polis-" + name.replace(".", "-")
    call_command("import_polis", str(folder), consultation=slug, stdout=StringIO())
    consultation = Consultation.objects.get(slug=slug)
    with (folder / "summary.csv").open(encoding="utf-8") as handle:
        topic = next(row[1] for row in csv.reader(handle) if row and row[0] == "topic")
    assert consultation.title_fr == topic.strip()[:200]
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as handle:
        comments = list(csv.DictReader(handle))
    moderated_out = sum(1 for c in comments if int(c["moderated"]) == -1)
    proposals = Proposal.objects.filter(consultation=consultation)
    assert proposals.count() == len(comments)
    assert proposals.filter(status="visible").count() == len(comments) - moderated_out
    expected = _expected_votes(folder)
    votes = Vote.objects.filter(proposal__consultation=consultation)
    assert votes.count() == len(expected)
    stored = {
        (int(k.split(":")[1]), int(e)): v
        for k, e, v in votes.values_list("participant_key", "proposal__external_id", "value")
    }
    assert stored == expected
    agrees = sum(proposals.values_list("agree_count", flat=True))
    assert agrees == sum(1 for v in expected.values() if v == 1)
    # Idempotent: a second run changes nothing.
    call_command("import_polis", str(folder), consultation=slug, stdout=StringIO())
    assert proposals.count() == len(comments) and votes.count() == len(expected)


def test_import_polis_reports_a_bad_folder(db, tmp_path):
    with pytest.raises(CommandError, match="comments.csv"):
        call_command("import_polis", str(tmp_path), consultation="x", stdout=StringIO())


def test_load_consultation_is_idempotent(db):
    call_command("load_consultation", "data-donation", stdout=StringIO())
    consultation = Consultation.objects.get(slug="data-donation")
    assert consultation.phase == "open"
    closed = consultation.questions.exclude(kind="open").count()
    assert 6 <= closed <= 10 and 3 <= consultation.questions.filter(kind="open").count() <= 4
    assert consultation.title_en and consultation.context_en and "registre" in consultation.context_fr
    questions = consultation.questions.count()
    call_command("load_consultation", "data-donation", stdout=StringIO())
    assert Consultation.objects.count() == 1
    assert consultation.questions.count() == questions


def test_import_polis_leaves_meta_statements_out_of_the_opinion_groups(db, test_data, tmp_path):
    """Pol.is marks statements about the participant ("I live in ...") is-meta and leaves them out of its
    groups; an import keeps them on show and out of the groups, as the benchmark reader does."""
    import shutil

    from analysis.opinion import compute_and_save
    from analysis.pipeline.opinion import analyse_opinions
    from consultation.polis_export import read_polis_export

    folder = tmp_path / "conversation"
    shutil.copytree(test_data / "polis" / "london.youth.policing", folder)
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # The two most voted statements become meta statements.
    most_voted = sorted(rows, key=lambda r: -(int(r["agrees"]) + int(r["disagrees"])))[:2]
    meta_ids = {r["comment-id"] for r in most_voted}
    with (folder / "comments.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0], "is-meta"])
        writer.writeheader()
        writer.writerows({**r, "is-meta": "1" if r["comment-id"] in meta_ids else "0"} for r in rows)

    call_command("import_polis", str(folder), consultation="with-meta", stdout=StringIO())
    consultation = Consultation.objects.get(slug="with-meta")
    meta = Proposal.objects.filter(consultation=consultation, is_meta=True)
    assert set(meta.values_list("external_id", flat=True)) == meta_ids
    assert all(p.is_visible for p in meta)  # still shown and open to votes

    run = compute_and_save(consultation.pk)
    assert run.status == "ok"
    meta_pks = set(meta.values_list("pk", flat=True))
    claimed = {s["proposal"] for g in run.result["groups"] for s in g["representative"]}
    claimed |= {b["proposal"] for b in run.result["bridging"]}
    claimed |= {c["proposal"] for c in run.result["consensus_agree"] + run.result["consensus_disagree"]}
    assert claimed and not claimed & meta_pks
    # The same groups as the export read directly with its meta statements left out (the benchmarks' way).
    export = read_polis_export(folder)
    direct = analyse_opinions(
        export.vote_triples(),
        proposals=[c.comment_id for c in export.comments],
        moderated_out=export.moderated_out_ids | export.meta_ids,
    )
    sizes = sorted(g.size for g in direct.groups)
    assert sorted(g["size"] for g in run.result["groups"]) == sizes

    # A later export without the column unmarks them.
    with (folder / "comments.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    call_command("import_polis", str(folder), consultation="with-meta", stdout=StringIO())
    assert not Proposal.objects.filter(consultation=consultation, is_meta=True).exists()
