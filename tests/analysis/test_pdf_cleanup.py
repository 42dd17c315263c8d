"""Publishing a new version removes the stored PDFs no reader will get again."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from analysis import pdf, selectors, services, tasks
from analysis.models import SynthesisVersion

from .conftest import published_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def stand_in_weasyprint(monkeypatch):
    import weasyprint

    class StandIn:
        def __init__(self, string, base_url=None):
            pass

        def write_pdf(self, *args, **kwargs):
            return b"%PDF-1.7"

    monkeypatch.setattr(weasyprint, "HTML", StandIn)


def stored(consultation) -> list[str]:
    return sorted(default_storage.listdir(pdf.folder(consultation))[1])


def test_publishing_a_new_version_removes_the_pdfs_of_the_one_it_replaced(stand_in_weasyprint):
    consultation = published_report("pdf-menage", 6)
    first = selectors.published_version(consultation)
    assert tasks.build_report_pdfs(first.pk) == 2  # French and English
    assert [name.split("-")[0] for name in stored(consultation)] == [f"v{first.pk}", f"v{first.pk}"]

    second = SynthesisVersion.objects.create(
        run=first.run, number=2, action=SynthesisVersion.Action.RENAME, data=first.data
    )
    services.publish_version(actor=None, version=second)
    # A PDF of the new version drawn from an older content (before a quote was hidden, say) goes too.
    default_storage.save(f"{pdf.folder(consultation)}/v{second.pk}-fr-{'0' * 32}.pdf", ContentFile(b"%PDF"))
    assert tasks.build_report_pdfs(second.pk) == 2

    names = stored(consultation)
    assert len(names) == 2 and all(name.startswith(f"v{second.pk}-") for name in names)
    assert f"v{second.pk}-fr-{'0' * 32}.pdf" not in names
