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
