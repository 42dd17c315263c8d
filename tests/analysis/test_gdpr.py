import pytest

from accounts import services as account_services
from analysis import services
from analysis.models import Contribution, SynthesisVersion

pytestmark = pytest.mark.django_db


def test_erasing_an_account_removes_its_texts_and_quotes_from_the_analysis(done_run, citizen):
    version = done_run.versions.get()
    quoted = next(t["quotes"][0]["id"] for t in version.data["themes"] if t["quotes"])
    row = Contribution.objects.get(pk=quoted)
    from consultation.models import Proposal

    Proposal.objects.filter(pk=row.source_id).update(author=citizen)
    services.publish_version(actor=None, version=version)
    exported = account_services.export_personal_data(citizen)["analysis"]
    assert exported[0]["proposal"] == row.source_id and exported[0]["facts"]

    account_services.erase_account(user=citizen, keep_contributions=False)
    assert not Contribution.objects.filter(pk=quoted).exists()
    data = SynthesisVersion.objects.get(pk=version.pk).data
    assert all(q["id"] != quoted for t in data["themes"] for q in t["quotes"])
    assert Contribution.objects.filter(run=done_run).count() == 29


def test_erasing_an_account_removes_the_summary_sentences_taken_from_its_texts(done_run, citizen):
    """A generated summary quotes citizens' sentences: one taken only from the erased person's text
    leaves the summary, on the theme and in every version of the synthesis."""
    version = done_run.versions.get()
    entry = next(t for t in version.data["themes"] if t.get("summary_sentences"))
    sentence = entry["summary_sentences"][0]
    row = Contribution.objects.get(pk=sentence["ids"][0])
    from consultation.models import Proposal

    # Every contribution this sentence was taken from is the citizen's.
    sources = Contribution.objects.filter(pk__in=sentence["ids"])
    Proposal.objects.filter(pk__in=sources.values("source_id")).update(author=citizen)
    assert row.source_type == Contribution.Source.PROPOSAL

    holding = set(done_run.themes.filter(summary__contains=sentence["text"]).values_list("pk", flat=True))
    assert holding
    account_services.erase_account(user=citizen, keep_contributions=False)
    data = SynthesisVersion.objects.get(pk=version.pk).data
    after = next(t for t in data["themes"] if t["key"] == entry["key"])
    assert sentence["text"] not in after["summary"]
    assert all(s["text"] != sentence["text"] for s in after["summary_sentences"])
    assert all(set(s["ids"]).isdisjoint(sentence["ids"]) for s in after["summary_sentences"])
    assert not done_run.themes.filter(pk__in=holding, summary__contains=sentence["text"]).exists()
