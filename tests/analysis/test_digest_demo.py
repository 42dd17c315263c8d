"""After `make demo`, the demo citizen has news waiting for their digest: the synthesis citing their
proposals, and the answers to the panel recommendations linked to the themes they landed in."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from analysis.models import DigestItem
from consultation.demo import DEMO_CITIZEN, load_demo_contributions
from consultation.models import Consultation

pytestmark = [pytest.mark.django_db, pytest.mark.model, pytest.mark.slow]  # runs the pipeline


def test_the_demo_citizen_has_news_for_their_digest(eager_celery):
    quiet = {"stdout": StringIO()}
    call_command("create_demo_accounts", **quiet)
    call_command("load_consultation", "data-donation", **quiet)
    load_demo_contributions(Consultation.objects.get(slug="data-donation"), participants=24)
    call_command("load_panel_demo", **quiet)
    call_command("run_pipeline", "data-donation", "--publish", "--k", "4", **quiet)
    call_command("suggest_theme_links", "data-donation", "--confirm-best", **quiet)
    call_command("send_digests", **quiet)  # as `make demo`: collects; the weekly digest waits
    citizen = User.objects.get(email=DEMO_CITIZEN)
    news = DigestItem.objects.filter(user=citizen, sent_at__isnull=True)
    assert news.filter(kind="synthesis").count() == 1
    assert mail.outbox == []
    out = StringIO()
    call_command("send_digests", "--preview", DEMO_CITIZEN, stdout=out)
    preview = out.getvalue()
    assert "Subject: Ce que sont devenues vos contributions" in preview
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in preview
    assert "La synthèse de la consultation" in preview
    assert mail.outbox == []  # a preview sends nothing
    assert news.count() == DigestItem.objects.filter(user=citizen, sent_at__isnull=True).count()
