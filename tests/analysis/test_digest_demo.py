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


def test_the_demo_fills_the_follow_up_page_with_answers(client, eager_celery):
    """`make demo`'s load_answers_demo step: a stated rule, answers to proposals (the demo citizen's one
    included) and to themes; the follow-up page's per-source table shows them; running it again adds
    nothing; the demo citizen's digest tells of the answer to their proposal."""
    from django.urls import reverse

    from consultation.models import ProposalAnswer

    quiet = {"stdout": StringIO()}
    call_command("create_demo_accounts", **quiet)
    call_command("load_consultation", "data-donation", **quiet)
    load_demo_contributions(Consultation.objects.get(slug="data-donation"), participants=24)
    call_command("run_pipeline", "data-donation", "--publish", "--k", "4", **quiet)
    call_command("load_answers_demo", "data-donation", **quiet)
    consultation = Consultation.objects.get(slug="data-donation")
    assert consultation.answer_policy.answers_due_on is not None
    assert ProposalAnswer.objects.filter(proposal__author__email=DEMO_CITIZEN).exists()
    assert ProposalAnswer.objects.filter(proposal__consultation=consultation).count() >= 2
    call_command("load_answers_demo", "data-donation", **quiet)  # again: nothing more
    count = ProposalAnswer.objects.filter(proposal__consultation=consultation).count()
    call_command("load_answers_demo", "data-donation", **quiet)
    assert ProposalAnswer.objects.filter(proposal__consultation=consultation).count() == count
    page = client.get(reverse("consultation:followup", args=["data-donation"])).content.decode()
    assert "Ministère de la santé" in page
    for key in ("proposals", "themes", "overall"):
        assert f'id="adoption-{key}"' in page
    call_command("send_digests", **quiet)
    citizen = User.objects.get(email=DEMO_CITIZEN)
    assert DigestItem.objects.filter(user=citizen, kind="proposal").exists()
    assert DigestItem.objects.filter(user=citizen, kind="theme").exists()
