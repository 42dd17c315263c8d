"""A whole run through the Celery tasks (eager), on real French proposals."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import override

from analysis import services, tasks
from analysis.models import Contribution, EmbeddingVector, PipelineRun, SynthesisVersion, Theme
from tests.analysis.conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]  # each test runs the pipeline


def run_now(django_capture_on_commit_callbacks, consultation, **params) -> PipelineRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(consultation=consultation, chunk_size=10, **params)
    run.refresh_from_db()
    return run


def test_a_run_finds_the_themes_of_real_proposals(
    consultation, ccc_sample, django_capture_on_commit_callbacks
):
    add_proposals(consultation, [row["proposal"] for row in ccc_sample])
    run = run_now(django_capture_on_commit_callbacks, consultation)

    assert run.status == PipelineRun.Status.DONE, run.error_detail
    assert run.chunks.count() == 5 and not run.chunks.filter(done=False).exists()  # 48 texts / 10
    assert run.progress_done == run.progress_total == 48 and run.percent == 100
    # The chunks embedded every text the finish needed: it found them all in the cache.
    assert EmbeddingVector.objects.count() == 48
    themes = list(run.themes.filter(parent__isnull=True, number__gte=0))
    assert 2 <= len(themes) <= 6
    assert run.k_selection["method"] == "silhouette-parsimony" and run.k_selection["explanation"]
    for theme in themes:
        assert theme.keywords and theme.quotes and theme.label
        # Quotes are contributions of this very theme.
        quoted = Contribution.objects.filter(pk__in=[q["id"] for q in theme.quotes])
        assert {c.theme_id for c in quoted} == {theme.pk}
    # Food, housing and transport proposals tend to land in different themes.
    truth = {row["proposal"]: row["theme_key"] for row in ccc_sample}
    majority = {}
    for c in run.contributions.select_related("theme"):
        if c.theme and c.theme.number >= 0:
            majority.setdefault(c.theme_id, []).append(truth.get(c.text))
    purity = sum(max(v.count(k) for k in set(v)) for v in majority.values()) / sum(
        map(len, majority.values())
    )
    assert purity > 0.5  # chance is 1/3 with three equal topics
    assert run.contributions.filter(x__isnull=True).count() == 0
    version = run.versions.get()
    assert version.number == 1 and version.action == SynthesisVersion.Action.PIPELINE
    assert sum(t["contributions"] for t in version.data["themes"] if t["parent"] is None) == 48


def test_a_rerun_embeds_only_new_contributions(consultation, ccc_sample, django_capture_on_commit_callbacks):
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:30]])
    first = run_now(django_capture_on_commit_callbacks, consultation)
    assert first.progress_total == 30
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[30:36]], source="import")
    second = run_now(django_capture_on_commit_callbacks, consultation, k=3)
    assert second.status == PipelineRun.Status.DONE
    assert second.progress_total == 6  # only the six new texts were embedded
    assert EmbeddingVector.objects.count() == 36
    assert second.themes.filter(parent__isnull=True, number__gte=0).count() == 3
    assert second.k_selection["method"] == "override"
    assert second.contributions.filter(source_type="imported").count() == 6


def test_a_rerun_cleans_only_new_contributions_and_keeps_what_was_scrubbed(
    consultation, ccc_sample, django_capture_on_commit_callbacks, monkeypatch
):
    from analysis.pipeline import clean

    secret = "Je suis diabétique ; écrivez-moi à lea.martin@example.org pour le covoiturage."
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:24]] + [secret])
    first = run_now(django_capture_on_commit_callbacks, consultation)
    cleaned = []
    real_clean_text = clean.clean_text
    monkeypatch.setattr(
        clean, "clean_text", lambda text, **kw: cleaned.append(text) or real_clean_text(text, **kw)
    )
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[24:27]], source="import")
    second = run_now(django_capture_on_commit_callbacks, consultation)

    assert first.status == second.status == PipelineRun.Status.DONE, second.error_detail
    assert sorted(cleaned) == sorted(row["proposal"] for row in ccc_sample[24:27])
    for run in (first, second):
        row = run.contributions.get(text__contains="[email]")
        assert "lea.martin" not in row.text and row.scrubbed == ["email"] and row.health_flag
        # The words that raised the flag are kept nowhere but in the text itself (health data minimised).
        assert not any("diabétique" in str(v) for k, v in vars(row).items() if k != "text")
    # The unchanged contributions are the same rows' texts in both runs.
    assert set(first.contributions.values_list("text", flat=True)) < set(
        second.contributions.values_list("text", flat=True)
    )


def test_a_redelivered_chunk_does_no_work_and_the_finish_runs_once(consultation, ccc_sample):
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:24]])
    run = services.start_run(consultation=consultation, chunk_size=8, enqueue=False)
    tasks.prepare_run(run.pk, dispatch=False)
    assert tasks.embed_chunk(run.pk, 0, dispatch=False) is True
    assert tasks.embed_chunk(run.pk, 0, dispatch=False) is False  # re-delivered: counted once
    run.refresh_from_db()
    assert run.progress_done == 8
    for index in (1, 2):
        tasks.embed_chunk(run.pk, index, dispatch=False)
    tasks.finish_run(run.pk)
    themes = set(Theme.objects.filter(run=run).values_list("pk", flat=True))
    tasks.finish_run(run.pk)  # a second delivery of the finish leaves the saved themes alone
    assert set(Theme.objects.filter(run=run).values_list("pk", flat=True)) == themes
    assert run.versions.count() == 1


def test_the_finish_reuses_the_duplicate_groups_prepare_found(consultation, ccc_sample, monkeypatch):
    """A copy-paste campaign and a near-duplicate are grouped once, by prepare_run; finish_run (run twice,
    as a re-delivery would) reads the groups back from the rows and never dedupes again."""
    from analysis.pipeline import run as pipeline_run

    campaign = "Je refuse que mes données de santé soient données par défaut à des entreprises privées."
    texts = (
        [row["proposal"] for row in ccc_sample[:20]] + [campaign] * 4 + [campaign.replace("Je", "Moi, je")]
    )
    add_proposals(consultation, texts + ["\u200b"])  # a zero-width space: empty once cleaned
    run = services.start_run(consultation=consultation, k=3, chunk_size=50, enqueue=False)
    tasks.prepare_run(run.pk, dispatch=False)
    tasks.embed_chunk(run.pk, 0, dispatch=False)

    def no_second_dedupe(*args, **kwargs):
        raise AssertionError("finish_run deduped again")

    monkeypatch.setattr(pipeline_run, "dedupe", no_second_dedupe)
    tasks.finish_run(run.pk)
    tasks.finish_run(run.pk)
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.DONE, run.error_detail
    copies = run.contributions.filter(text__contains="données par défaut à des entreprises")
    assert copies.count() == 5 and set(copies.values_list("duplicate_count", flat=True)) == {5}
    assert len(set(copies.values_list("duplicate_group", flat=True))) == 1
    assert len(set(copies.values_list("theme", flat=True))) == 1  # the campaign sits in one theme
    version = run.versions.get().data
    assert sum(t["size"] for t in version["themes"] if t["parent"] is None) == 21  # counted once
    assert run.n_distinct == 21 and run.contributions.get(text="").theme is None


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        ([], PipelineRun.Error.EMPTY),
        (["Une seule contribution sur le don de données de santé."], PipelineRun.Error.ONE),
        (
            ["Je refuse le don par défaut !"] * 3 + ["je refuse le don par defaut"],
            PipelineRun.Error.ALL_DUPLICATES,
        ),
    ],
)
def test_bad_corpora_fail_with_a_message_and_keep_the_published_synthesis(
    consultation, ccc_sample, texts, code, django_capture_on_commit_callbacks
):
    from consultation.models import Consultation

    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:20]])
    good = run_now(django_capture_on_commit_callbacks, consultation, k=2)
    published = services.publish_version(actor=None, version=good.versions.get())
    # The consultation's proposals are hidden by moderation, and a new corpus arrives.
    consultation.proposals.update(status="hidden")
    add_proposals(consultation, texts, source="import")
    bad = run_now(django_capture_on_commit_callbacks, consultation)
    assert bad.status == PipelineRun.Status.FAILED and bad.error_code == code
    assert bad.error_message
    consultation = Consultation.objects.get(pk=consultation.pk)
    assert consultation.published_synthesis.version_id == published.version_id


def test_a_missing_model_directory_fails_the_run_and_the_command_says_why(consultation, ccc_sample, capsys):
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:5]])
    with override("en"), pytest.raises(CommandError, match="embedding model cannot be loaded"):
        call_command(
            "run_pipeline", consultation.slug, backend="sentence-transformers", model="/nonexistent/model"
        )
    run = PipelineRun.objects.get()
    assert run.status == PipelineRun.Status.FAILED and "/nonexistent/model" in run.error_detail


def test_the_command_runs_and_prints_the_themes(consultation, ccc_sample, capsys):
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:24]])
    with override("en"):
        call_command("run_pipeline", consultation.slug, "--k", "3", "--chunk-size", "10")
    out = capsys.readouterr().out
    assert "3 themes from 24 contributions" in out
    with pytest.raises(CommandError, match="no-such-consultation"):
        call_command("run_pipeline", "no-such-consultation")


def test_a_run_whose_tasks_were_lost_is_resumed(consultation, ccc_sample, django_capture_on_commit_callbacks):
    """The broker lost the chunk tasks after preparing: resuming enqueues what is left and finishes."""
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:24]])
    run = services.start_run(consultation=consultation, chunk_size=8, enqueue=False)
    tasks.prepare_run(run.pk, dispatch=False)  # as if the chunk messages never reached a worker
    tasks.embed_chunk(run.pk, 1, dispatch=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_run(run=run)
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.DONE and run.progress_done == 24
    assert run.versions.count() == 1


def test_the_run_page_explains_a_failure(consultation, organiser_client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    run = run_now(django_capture_on_commit_callbacks, consultation)
    organiser_client.cookies["django_language"] = "fr"
    page = organiser_client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert "aucune contribution à analyser" in page.replace("&#x27;", "'")


def test_the_run_page_words_the_choice_of_k_and_the_notes_in_the_readers_language(
    consultation, ccc_sample, organiser_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:24]])
    add_proposals(consultation, ["Das ist ein ganz anderer Text über Gesundheit und Daten im Krankenhaus"])
    run = run_now(django_capture_on_commit_callbacks, consultation)
    assert run.status == PipelineRun.Status.DONE, run.error_detail
    url = reverse("analysis:run", args=[run.pk])
    k = run.k_selection["k"]

    organiser_client.cookies["django_language"] = "fr"
    french = organiser_client.get(url).content.decode().replace("&#x27;", "'")
    assert f"{k} thèmes\u00a0: le plus petit nombre dont le score de séparation" in french
    assert "1 texte ne semble être ni en français ni en anglais" in french
    assert "neither French nor English" not in french and "the smallest number" not in french

    organiser_client.cookies["django_language"] = "en"
    english = organiser_client.get(url).content.decode().replace("&#x27;", "'")
    assert f"{k} themes: the smallest number whose separation score" in english
    assert "1 text seems to be in neither French nor English" in english


def test_the_organiser_overrules_the_number_of_themes_from_the_run_page(
    consultation, ccc_sample, organiser_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:30]])
    first = run_now(django_capture_on_commit_callbacks, consultation)
    chosen = first.k_selection["k"]
    organiser_client.cookies["django_language"] = "en"
    page = organiser_client.get(reverse("analysis:run", args=[first.pk])).content.decode()
    # The scores table says which number was chosen, and the form starts from it.
    assert re.search(rf"<th scope=\"row\">{chosen}</th><td>[^<]+</td><td>chosen</td>", page)
    assert re.search(rf'<input[^>]*name="k"[^>]*value="{chosen}"', page)

    wanted = chosen + 1
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(reverse("analysis:runs", args=[consultation.slug]), {"k": wanted})
    second = PipelineRun.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("analysis:run", args=[second.pk])
    second.refresh_from_db()
    assert second.status == PipelineRun.Status.DONE and second.k_selection["method"] == "override"
    assert second.themes.filter(parent__isnull=True, number__gte=0).count() == wanted
    assert second.progress_total == 0  # every text came from the first run's cache
