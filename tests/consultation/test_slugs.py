"""No consultation can take a short name whose page another page of the site would hide."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from consultation import services
from consultation.models import Consultation
from tests.conftest import with_totp


def named_routes(patterns, prefix=""):
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from named_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield route, entry.name


def fill(route: str, slug: str) -> str:
    path = route.replace("<slug:slug>", slug)
    for converter, value in (("int", "1"), ("str", "x"), ("slug", "x"), ("path", "x")):
        while f"<{converter}:" in path:
            start = path.index(f"<{converter}:")
            path = path[:start] + value + path[path.index(">", start) + 1 :]
    return "/" + path


def shadowed_words() -> set[str]:
    """Every fixed word of an address that, used as a consultation's short name, sends one of that
    consultation's addresses to another page (found by resolving, not by the rule under test)."""
    routes = list(named_routes(get_resolver().url_patterns))
    words = {w for route, _ in routes for w in route.split("/") if w and "<" not in w and "." not in w}
    shadowed = set()
    for route, name in routes:
        if "<slug:slug>" not in route:
            continue
        for word in words:
            try:
                if resolve(fill(route, word)).url_name != name:
                    shadowed.add(word)
            except Exception:  # noqa: BLE001 (a 404 is a page hidden as well)
                shadowed.add(word)
    return shadowed


def test_the_pages_of_a_consultation_named_like_a_page_are_hidden():
    """The premise: such names exist (the moderation queue, the dashboard...)."""
    assert {"moderation", "nouvelle", "tableau-de-bord"} <= shadowed_words()


@pytest.mark.django_db
def test_no_consultation_takes_a_name_whose_pages_would_be_hidden(organiser):
    for word in sorted(shadowed_words()):
        with pytest.raises(services.ConsultationError):
            services.create_consultation(actor=organiser, slug=word, title_fr="Essai")
    assert not Consultation.objects.exists()


@pytest.mark.django_db
def test_the_form_says_why_and_keeps_what_was_typed(client, organiser):
    with_totp(organiser)
    client.force_login(organiser)
    response = client.post(
        "/consultations/nouvelle/",
        {"slug": "moderation", "title_fr": "Mon titre", "moderation": "pre", "max_proposal_length": "500"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "«\u00a0moderation\u00a0» est déjà une page du site\u00a0: choisissez un autre nom court." in page
    assert 'value="Mon titre"' in page
    assert not Consultation.objects.exists()
