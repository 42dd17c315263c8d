"""The public draw report speaks to citizens: a selection probability reads as a percentage and as "about
1 chance in N" (it was a bare "0,1170"), and the command to re-run the draw on Pacte's server is shown only
to those who run the panel (a citizen cannot run it: the script anyone can run stays for everyone)."""

import pytest
from django.urls import reverse
from django.utils import formats, translation

from deliberation import presenters
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db

CHANCE = {"fr": "environ 1 chance sur {n}", "en": "about 1 chance in {n}"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_draw_report_gives_chances_in_words_and_keeps_server_commands_for_the_team(
    client, drawn, organiser, language
):
    selection = drawn.selections.get()
    client.cookies["django_language"] = language
    url = reverse("deliberation:selection_report", args=[drawn.pk])
    page = client.get(url).content.decode()
    for probability in (selection.min_probability, selection.median_probability):
        with translation.override(language):
            percent = formats.number_format(round(probability * 100, 1), 1)
            # N from the percentage shown, one rounding rule (`presenters.chance_words`).
            one_in = presenters.chance_words(probability)["one_in"]
        assert percent in page
        assert CHANCE[language].format(n=one_in) in page
    assert f"{selection.min_probability:.4f}".replace(".", ",") not in page
    assert "scripts/verify_draw.py" in page  # anyone can check the draw
    assert "manage.py redraw_selection" not in page
    client.force_login(with_totp(organiser))
    assert "manage.py redraw_selection" in client.get(url).content.decode()
