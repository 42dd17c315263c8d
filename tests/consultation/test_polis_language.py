"""A Pol.is export does not say the conversation's language: the import takes it (``--language``), records
it on every statement, and the pages mark the statements with it (WCAG 3.1.2, RGAA 8.7): an English
conversation imported into the French site is read with an English voice. Without it nothing is guessed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from consultation.models import Proposal
from tests.html_parts import languages_of_text

pytestmark = pytest.mark.django_db

CONVERSATION = "london.youth.policing"  # an English conversation


def _import(test_data, **options):
    folder = test_data / "polis" / CONVERSATION
    call_command("import_polis", str(folder), consultation="londres", stdout=StringIO(), **options)
    return Proposal.objects.filter(consultation__slug="londres", source=Proposal.Source.POLIS)


def test_the_statements_take_the_conversations_language_and_the_pages_mark_them(client, test_data):
    statements = _import(test_data, language="en")
    assert statements.exists() and set(statements.values_list("language", flat=True)) == {"en"}
    shown = statements.filter(status=Proposal.Status.VISIBLE).order_by("id").first()
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("consultation:proposal", args=["londres", shown.pk])).content.decode()
    assert '<html lang="fr"' in page
    assert set(languages_of_text(page, shown.text[:60])) == {"en"}


def test_without_a_language_nothing_is_guessed_and_a_later_import_gives_it(test_data):
    statements = _import(test_data)
    assert set(statements.values_list("language", flat=True)) == {""}
    statements = _import(test_data, language="EN")  # the same export again, with its language
    assert set(statements.values_list("language", flat=True)) == {"en"}


def test_a_language_that_is_not_a_code_is_refused_before_anything_is_imported(test_data):
    with pytest.raises(CommandError, match="not a language code|pas un code de langue"):
        _import(test_data, language="English")
    assert not Proposal.objects.exists()


def test_a_conversation_in_another_language_creates_no_consultation_and_says_which_are_supported(test_data):
    """A consultation's title and context are French or English: a German topic put in either field would
    be announced with the wrong language. The import says so, and nothing is imported."""
    from consultation.models import Consultation

    with pytest.raises(CommandError) as refused:
        _import(test_data, language="de")
    message = str(refused.value)
    assert all(part in message for part in ("(fr)", "(en)", "(de)", "londres"))
    assert not Consultation.objects.exists() and not Proposal.objects.exists()


def test_its_statements_join_a_consultation_created_first_marked_with_their_language(client, test_data):
    from tests.helpers import make_consultation

    make_consultation("londres", phase="closed", title_fr="Police et jeunesse", title_en="", questions=False)
    statements = _import(test_data, language="de")
    assert statements.exists() and set(statements.values_list("language", flat=True)) == {"de"}
    shown = statements.filter(status=Proposal.Status.VISIBLE).order_by("id").first()
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("consultation:proposal", args=["londres", shown.pk])).content.decode()
    assert set(languages_of_text(page, shown.text[:60])) == {"de"}
