"""What an organiser reads around a draw (a tester's run, 2026-12-07): quotas proposed only for the
profile questions the imported pool answered, the category nobody answered named before the draw rather
than 60 volunteers silently left out, a message that says the draw is done when it is, no seed typed by
the organisers, and chances worded with one rounding rule."""

import pytest
from django.urls import reverse

from deliberation import presenters
from deliberation.models import Selection, Volunteer

from .conftest import messages_of

pytestmark = pytest.mark.django_db

AGES = ["16-24", "25-34", "35-49", "50-64", "65+"]


def imported_pool(panel, n=60):
    """Volunteers imported from a file with only the age band and gender columns (as the tester did)."""
    Volunteer.objects.bulk_create(
        Volunteer(
            panel=panel,
            external_id=f"v{i}",
            strata={"age_band": AGES[i % 5], "gender": ["female", "male"][i % 2]},
            source=Volunteer.Source.IMPORT,
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("language", "proposed", "not_proposed"),
    [
        ("en", "for: age band, gender.", "Education level: 60 volunteers of 60 gave no answer."),
        (
            "fr",
            "pour\u00a0: tranche d’âge, genre.",
            "Niveau de diplôme\u00a0: 60 volontaires sur 60 n’ont pas répondu.",
        ),
    ],
)
def test_quotas_are_proposed_only_for_the_questions_the_pool_answered(
    organiser_client, panel, language, proposed, not_proposed
):
    imported_pool(panel)
    response = organiser_client.post(
        reverse("deliberation:propose_quotas", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    assert set(panel.quotas.values_list("category", flat=True)) == {"age_band", "gender"}
    shown = " ".join(messages_of(response))
    assert proposed in shown and not_proposed in shown
    # Nothing left out: every volunteer can be drawn, so the page warns of nothing before the draw.
    assert response.context["unanswered"] == []


def test_proposing_quotas_for_an_empty_pool_says_to_recruit_first(organiser_client, panel):
    response = organiser_client.post(
        reverse("deliberation:propose_quotas", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert not panel.quotas.exists()
    assert any("The pool is empty" in m for m in messages_of(response))


@pytest.mark.parametrize(
    ("language", "warning", "refusal"),
    [
        (
            "en",
            "Region: 60 volunteers of 60 gave no answer.",
            "No volunteer has an answer for every quota category",
        ),
        (
            "fr",
            "Région\u00a0: 60 volontaires sur 60 n’ont pas répondu.",
            "Aucun volontaire n’a répondu dans chaque catégorie de quota",
        ),
    ],
)
def test_a_quota_category_nobody_answered_is_named_before_the_draw_and_the_draw_refused(
    organiser_client, organiser, panel, eager_celery, language, warning, refusal
):
    from deliberation import services

    imported_pool(panel)
    services.replace_quotas(
        actor=organiser, panel=panel,
        quotas=[services.QuotaInput("gender", "female", 1, 3), services.QuotaInput("gender", "male", 1, 3),
                services.QuotaInput("region", "bretagne", 0, 4)],
    )  # fmt: skip
    page = organiser_client.get(
        reverse("deliberation:manage", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert warning in page.content.decode()  # before anything is run
    response = organiser_client.post(
        reverse("deliberation:run_selection", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    shown = " ".join(messages_of(response))
    assert refusal in shown and warning in shown
    assert not panel.selections.exists()  # refused before anything was committed


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("en", "The panel has been drawn: 4 members seated.", "The selection has started."),
        ("fr", "Le panel a été tiré au sort\u00a0: 4 membres installés.", "Le tirage au sort a commencé."),
    ],
)
@pytest.mark.django_db(transaction=True)  # commits as a request does: the eager task runs at commit
def test_a_draw_finished_in_the_request_says_it_is_done_with_a_seed_nobody_typed(
    organiser_client, pool_panel, eager_celery, language, said, not_said
):
    response = organiser_client.post(
        reverse("deliberation:run_selection", args=[pool_panel.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    page = organiser_client.get(response.url, HTTP_ACCEPT_LANGUAGE=language)
    shown = " ".join(messages_of(page))
    assert said in shown and not_said not in shown
    selection = pool_panel.selections.get()
    assert selection.status == Selection.Status.DONE and selection.seed_origin == Selection.SeedOrigin.RANDOM
    report = organiser_client.get(
        reverse("deliberation:selection_report", args=[pool_panel.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Picked at random by Pacte's server when the draw started" in report
    assert "Seed of the public draw" not in page.content.decode()  # no field to type a seed


def test_a_typed_seed_is_refused_and_nothing_is_drawn(organiser_client, pool_panel, eager_celery):
    response = organiser_client.post(
        reverse("deliberation:run_selection", args=[pool_panel.pk]),
        {"seed": "assises-pacte-2026"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert any("A typed seed is refused" in m for m in messages_of(response))
    assert not pool_panel.selections.exists()


def test_a_seed_typed_through_a_command_is_said_so_on_the_report(client, drawn):
    """The `drawn` fixture passes a seed to the service, as a command may: the report does not call it
    random."""
    report = client.get(
        reverse("deliberation:selection_report", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Typed by the organisers when the draw started." in report
    assert "Picked at random" not in report


@pytest.mark.parametrize(
    ("probability", "language", "percent", "one_in"),
    [
        (0.11696, "en", "11.7", "8.5"),  # the tester's lowest: "about 1 chance in 9" before
        (2 / 17, "en", "11.8", "8.5"),  # the tester's median: "about 1 chance in 8" before
        (2 / 17, "fr", "11,8", "8,5"),
        (0.1, "en", "10.0", "10"),
        (0.0093, "en", "0.9", "111"),
        (0.0, "en", "0.0", None),
    ],
)
def test_chances_read_the_same_way_from_the_percentage_shown(probability, language, percent, one_in):
    from django.utils import translation

    with translation.override(language):
        words = presenters.chance_words(probability)
    assert words == {"percent": percent, "one_in": one_in}


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Gender: Other / non-binary: 1 volunteer has this answer, which no quota lists"),
        (
            "fr",
            "Genre\u00a0: Autre / non binaire\u00a0: 1 volontaire a donné cette réponse, qu’aucun quota "
            "ne mentionne",
        ),
    ],
)
def test_an_answer_no_quota_lists_is_explained_in_the_pages_language(
    organiser_client, organiser, pool_panel, eager_celery, django_capture_on_commit_callbacks, language, said
):
    """The sortition core refuses a volunteer whose answer has no quota; the page says it in its language
    and keeps the core's English only as the detail."""
    from deliberation import services

    from .conftest import citizen_in_pool

    citizen_in_pool(pool_panel, "other")
    with django_capture_on_commit_callbacks(execute=True):
        selection = services.start_selection(actor=organiser, panel=pool_panel)
    selection.refresh_from_db()
    assert selection.status == Selection.Status.FAILED
    page = organiser_client.get(
        reverse("deliberation:manage", args=[pool_panel.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert said in page
    assert page.index(said) < page.index('class="fr-text--sm" lang="en"')  # the English detail, after
