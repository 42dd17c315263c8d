"""The proposal search ignores accents and case: "donnees" finds "données", "ÉCOLE" finds "école", on
PostgreSQL (the unaccent extension) and on the embedded SQLite runtime (a Python unaccent function)."""

import sqlite3

import pytest
from django.db import connection
from django.urls import reverse

from consultation import search, selectors
from consultation.models import Proposal
from tests.helpers import make_consultation

TEXTS = [
    "Publier les données de santé réutilisées.",
    "Une ÉCOLE ouverte le soir pour les parents.",
    "Le cœur du registre doit rester public.",
    "Rien à voir.",
]


@pytest.fixture
def listed(db):
    consultation = make_consultation("accents", questions=False)
    for text in TEXTS:
        Proposal.objects.create(consultation=consultation, text=text, status=Proposal.Status.VISIBLE)
    return consultation


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("donnees", [0]),
        ("DONNÉES", [0]),
        ("Donnees sante", [0]),
        ("ecole", [1]),
        ("École", [1]),
        ("coeur", [2]),
        ("cœur registre", [2]),
        ("données soir", []),
        ("50%", []),  # a LIKE wildcard is a character, not a pattern
    ],
)
def test_the_search_ignores_accents_and_case(listed, query, found):
    assert connection.vendor == "postgresql" and search.accent_insensitive()  # the extension is there
    texts = set(selectors.search_proposals(listed, query).values_list("text", flat=True))
    assert texts == {TEXTS[i] for i in found}


def test_the_list_page_finds_donnees(listed, client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultation:proposals", args=["accents"]), {"q": "donnees"}).content.decode()
    assert TEXTS[0] in page and TEXTS[1] not in page
    assert "“donnees”" in page


def test_python_fold_and_postgres_unaccent_agree(db):
    words = ["Données", "ÉCOLE", "cœur", "Ægée", "façade", "naïve", "Straße"]
    with connection.cursor() as cursor:
        for word in words:
            cursor.execute("SELECT lower(unaccent(%s))", [word])
            assert cursor.fetchone()[0] == search.fold(word)


def test_sqlite_gets_an_unaccent_function(db):
    """The embedded runtime: a new SQLite connection gets ``unaccent`` from the connection_created hook,
    and the search's SQL runs on it."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper(
        {"NAME": ":memory:", "ENGINE": "django.db.backends.sqlite3", "TIME_ZONE": None, "OPTIONS": {},
         "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False,
         "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {}},
        alias="sqlite_search_test",
    )  # fmt: skip
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE p (text TEXT)")
            cursor.executemany("INSERT INTO p VALUES (%s)", [(t,) for t in TEXTS])
            cursor.execute("SELECT text FROM p WHERE lower(unaccent(text)) LIKE %s", ["%donnees%"])
            assert [row[0] for row in cursor.fetchall()] == [TEXTS[0]]
            cursor.execute("SELECT lower(unaccent(%s))", ["Cœur ÉCOLE"])
            assert cursor.fetchone()[0] == "coeur ecole"
    finally:
        wrapper.close()
    with pytest.raises(sqlite3.OperationalError):  # without the hook, SQLite has no such function
        sqlite3.connect(":memory:").execute("SELECT unaccent('é')")
