"""Selection through the Celery task, on a generated pool of a few hundred volunteers: run eagerly for the
detailed checks, and once through a real worker process over Redis."""

import random
import time
from collections import Counter

import pytest

from accounts.models import AuditEvent
from deliberation import services
from deliberation.models import Panel, PanelMember, Selection

GENDERS = ["female"] * 55 + ["male"] * 45
AGES = ["16-24"] * 8 + ["25-34"] * 12 + ["35-49"] * 25 + ["50-64"] * 25 + ["65+"] * 30
QUOTAS = [
    services.QuotaInput("gender", "female", 9, 11),
    services.QuotaInput("gender", "male", 9, 11),
    services.QuotaInput("age_band", "16-24", 2, 4),
    services.QuotaInput("age_band", "25-34", 3, 5),
    services.QuotaInput("age_band", "35-49", 3, 5),
    services.QuotaInput("age_band", "50-64", 3, 5),
    services.QuotaInput("age_band", "65+", 4, 6),
]


def make_pool_panel(organiser):
    rng = random.Random(7)
    rows = ["id,contact,gender,age_band,address"]
    for i in range(240):
        # Some volunteers share a dwelling: the household rule must keep them apart.
        address = f"{i // 2} rue des Lilas" if i < 40 else ""
        rows.append(f"p{i},p{i}@example.org,{rng.choice(GENDERS)},{rng.choice(AGES)},{address}")
    panel = services.create_panel(actor=organiser, title="Panel tiré au sort", size=20)
    services.import_volunteers(actor=organiser, panel=panel, text="\n".join(rows))
    services.replace_quotas(actor=organiser, panel=panel, quotas=QUOTAS)
    return panel


@pytest.fixture
def drawn_panel(organiser, eager_celery):
    return make_pool_panel(organiser)


def composition(members):
    counts = Counter()
    for member in members:
        for category in ("gender", "age_band"):
            counts[(category, member.volunteer.strata[category])] += 1
    return counts


def assert_quotas_met(members):
    counts = composition(members)
    for quota in QUOTAS:
        assert quota.min <= counts[(quota.category, quota.value)] <= quota.max, quota


@pytest.mark.slow
def test_full_selection_meets_quotas_stores_probabilities_and_redraws(
    drawn_panel, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        selection = services.start_selection(actor=organiser, panel=drawn_panel, seed="graine-publique-2026")
    selection.refresh_from_db()
    assert selection.status == Selection.Status.DONE, selection.failure_text
    members = list(PanelMember.objects.filter(selection=selection).select_related("volunteer"))
    assert len(members) == 20
    assert_quotas_met(members)
    addresses = [m.volunteer.address for m in members if m.volunteer.address]
    assert len(addresses) == len(set(addresses))
    # A probability for every volunteer, summing to the panel size (each draw seats 20 people).
    assert len(selection.probabilities) == 240
    assert sum(selection.probabilities.values()) == pytest.approx(20, abs=1e-4)
    assert 0 < selection.min_probability <= selection.median_probability
    assert selection.algorithm == "leximin"
    assert sum(c["probability"] for c in selection.lottery["compositions"]) == pytest.approx(1)
    # Anyone re-running the draw from the seed and the published lottery gets the same panel.
    assert sorted(services.redraw(selection)) == sorted(str(m.volunteer_id) for m in members)
    assert selection.reserves and not set(selection.reserves) & {str(m.volunteer_id) for m in members}
    drawn_panel.refresh_from_db()
    assert drawn_panel.status == Panel.Status.SELECTED
    assert AuditEvent.objects.filter(action="selection.drawn", object_id=str(selection.pk)).exists()

    # Drop-outs are replaced from the ranked reserve list, and the quotas still hold after each.
    for _ in range(3):
        leaving = PanelMember.objects.filter(selection=selection, status="active").first()
        newcomer = services.replace_member(actor=organiser, member=leaving, reason="Départ annoncé")
        leaving.refresh_from_db()
        assert leaving.status == "dropped" and leaving.replaced_by == newcomer
        active = list(
            PanelMember.objects.filter(selection=selection, status="active").select_related("volunteer")
        )
        assert len(active) == 20
        assert_quotas_met(active)
        selection.refresh_from_db()
        assert str(newcomer.volunteer_id) not in selection.reserves
    assert AuditEvent.objects.filter(action="selection.replaced").count() == 3


def test_infeasible_quotas_fail_with_a_message_naming_the_stratum(
    drawn_panel, organiser, django_capture_on_commit_callbacks
):
    services.replace_quotas(
        actor=organiser,
        panel=drawn_panel,
        quotas=[services.QuotaInput("gender", "female", 0, 3), services.QuotaInput("gender", "male", 0, 3)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        selection = services.start_selection(actor=organiser, panel=drawn_panel, seed="1")
    selection.refresh_from_db()
    assert selection.status == Selection.Status.FAILED
    [reason] = selection.reasons
    assert reason["code"] == "library" and reason["kind"] == "infeasible" and "gender" in reason["text"]
    assert not PanelMember.objects.exists()


def test_pool_smaller_than_the_panel_is_refused(organiser):
    panel = services.create_panel(actor=organiser, title="Trop petit", size=20)
    services.import_volunteers(actor=organiser, panel=panel, text="id,gender\na,female\nb,male\n")
    services.replace_quotas(actor=organiser, panel=panel, quotas=QUOTAS[:2])
    with pytest.raises(services.DeliberationError, match="fewer than the panel size"):
        services.start_selection(actor=organiser, panel=panel)
    assert not Selection.objects.exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_selection_runs_on_a_real_worker_and_the_report_shows_it(celery_worker_process, organiser, client):
    from django.urls import reverse

    panel = make_pool_panel(organiser)
    selection = services.start_selection(
        actor=organiser, panel=panel, seed="graine-worker"
    )  # enqueued on commit
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        selection.refresh_from_db()
        if selection.status in (Selection.Status.DONE, Selection.Status.FAILED):
            break
        time.sleep(1)
    assert selection.status == Selection.Status.DONE, selection.failure_text
    members = list(PanelMember.objects.filter(selection=selection).select_related("volunteer"))
    assert len(members) == 20
    assert_quotas_met(members)
    assert sorted(services.redraw(selection)) == sorted(str(m.volunteer_id) for m in members)
    # The public selection report shows the seed anyone can re-run the draw with.
    report = client.get(reverse("deliberation:selection_report", args=[panel.pk]))
    assert report.status_code == 200 and "graine-worker" in report.content.decode()
