"""The database reader of docs/security.md, "Secret ballots": someone who can read every table of the
database (system columns included), its statement log and the cache, after members voted through the
page, tries to tell how each member voted. They must not do better than chance.

Chance here is the best guess that uses no stored link: give every member the most frequent choice
(3 ballots out of 8 with the choices below)."""

import json
import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation import services
from deliberation.models import Attendance

from .conftest import seat

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHOICES = ["for", "against", "for", "abstain", "against", "for", "abstain", "against"]
CHANCE = max(Counter(CHOICES).values()) / len(CHOICES)
CODES = set(CHOICES)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the reader reads PostgreSQL's system columns (ctid, xmin)")


@pytest.fixture
def voted(client, panel, session, recommendation, facilitator):
    """Eight members vote through the page, each in their own request and transaction; returns
    {user id: choice}, the truth the reader tries to recover, and the SQL each request sent."""
    members = [seat(panel) for _ in CHOICES]
    for member in members:
        Attendance.objects.create(session=session, member=member, method=Attendance.Method.FACILITATOR)
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    truth, statements = {}, {}
    for member, choice in zip(members, CHOICES, strict=True):
        user = member.volunteer.user
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                reverse("deliberation:cast_ballot", args=[recommendation.pk]), {"choice": choice}
            )
        assert response.status_code == 302
        truth[user.pk] = choice
        statements.setdefault(choice, []).append([q["sql"] for q in queries.captured_queries])
    return recommendation, truth, statements


def _xid(value: str) -> int:
    return int(value)


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _every_row():
    """(table, ctid, xmin, row as a dict) for every row of every table."""
    for table in _tables():
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT ctid::text, xmin::text, row_to_json(t)::text FROM "{table}" t'  # noqa: S608
            )
            for ctid, xmin, row in cursor.fetchall():
                yield table, ctid, xmin, json.loads(row)


def _decoded(table: str, row: dict) -> dict:
    """What the reader gets out of a row: session rows are only signed, not encrypted."""
    if table == "django_session":
        from django.contrib.sessions.backends.db import SessionStore

        return {**row, "session_data": SessionStore().decode(row["session_data"])}
    return row


def _choice_in(value) -> str | None:
    if isinstance(value, str):
        return value if value in CODES else None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _choice_in(item)
            if found:
                return found
    return None


def _ctid_key(ctid: str) -> tuple[int, int]:
    page, offset = ctid.strip("()").split(",")
    return int(page), int(offset)


def _participation(recommendation, truth) -> dict[str, list[int]]:
    """Who voted, in every order the reader can see: receipts and audit events, by their keys and
    by their system columns. Each list holds user ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.ctid::text, r.xmin::text, v.user_id
                 FROM deliberation_ballotreceipt r
                 JOIN deliberation_panelmember m ON m.id = r.member_id
                 JOIN deliberation_volunteer v ON v.id = m.volunteer_id
                WHERE r.recommendation_id = %s""",
            [recommendation.pk],
        )
        receipts = cursor.fetchall()
        cursor.execute(
            """SELECT id, created_at, ctid::text, xmin::text, actor_id FROM accounts_auditevent
                WHERE actor_id = ANY(%s)""",
            [list(truth)],
        )
        events = cursor.fetchall()
    orders = {
        "receipts by ctid": [u for _c, _x, u in sorted(receipts, key=lambda r: _ctid_key(r[0]))],
        "receipts by xmin": [u for _c, _x, u in sorted(receipts, key=lambda r: _xid(r[1]))],
        "audit events by id": [e[4] for e in sorted(events)],
        "audit events by time": [e[4] for e in sorted(events, key=lambda e: (e[1], e[0]))],
        "audit events by xmin": [e[4] for e in sorted(events, key=lambda e: _xid(e[3]))],
    }
    xids = {_xid(x): u for _c, x, u in receipts} | {_xid(e[3]): e[4] for e in events}
    return orders, xids


def _accuracy(guess: dict[int, str], truth: dict[int, str]) -> float:
    return sum(guess.get(user) == choice for user, choice in truth.items()) / len(truth)


def test_a_database_reader_cannot_link_ballots_to_members(voted):
    recommendation, truth, _statements = voted
    orders, xids = _participation(recommendation, truth)
    holding_a_choice = []  # every row, in any table, that holds a choice code as a value
    for table, ctid, xmin, row in _every_row():
        choice = _choice_in(_decoded(table, row))
        if choice:
            holding_a_choice.append(
                {"table": table, "ctid": ctid, "xmin": _xid(xmin), "row": row, "c": choice}
            )
    rows_orders = {
        "by ctid": sorted(holding_a_choice, key=lambda r: (r["table"], _ctid_key(r["ctid"]))),
        "by xmin": sorted(holding_a_choice, key=lambda r: r["xmin"]),
    }
    for column in {c for r in holding_a_choice for c in r["row"]}:
        rows_orders[f"by {column}"] = sorted(holding_a_choice, key=lambda r, c=column: str(r["row"].get(c)))
    attempts = {}
    for voters_name, voters in orders.items():
        for rows_name, rows in rows_orders.items():
            guess = {user: row["c"] for user, row in zip(voters, rows, strict=False)}
            attempts[f"{voters_name} against choices {rows_name}"] = _accuracy(guess, truth)
    # The same transaction wrote it: a row holding a choice whose xmin is a voter's.
    joined = {xids[r["xmin"]]: r["c"] for r in holding_a_choice if r["xmin"] in xids}
    attempts["join on xmin"] = _accuracy(joined, truth)
    better = {name: score for name, score in attempts.items() if score > CHANCE}
    assert not better, f"chance is {CHANCE:.0%}; these readings do better: {better}"


def test_the_statements_sent_do_not_depend_on_the_choice(voted):
    """A statement log (PostgreSQL's log_statement = 'mod', pg_stat_statements, a proxy) sees what the
    server sends: every write must read the same whatever the member chose, values aside, and no
    statement may carry the choice."""
    _recommendation, _truth, statements = voted

    def shape(sql: str) -> str:
        return re.sub(r"'(?:[^']|'')*'|\d+", "?", sql)

    writes = {
        choice: {shape(sql) for sent in runs for sql in sent if not sql.lstrip().upper().startswith("SELECT")}
        for choice, runs in statements.items()
    }
    assert writes["for"] == writes["against"] == writes["abstain"]
    assert any("ballotreceipt" in sql for sql in writes["for"])  # the reader did see the vote's writes
    for runs in statements.values():
        for sent in runs:
            assert not any(re.search(r"'(for|against|abstain)'", sql) for sql in sent), sent


def test_the_cache_holds_no_choice(voted):
    client = getattr(cache, "_cache", None)
    if client is None or not hasattr(client, "get_client"):
        pytest.skip("the cache is not Redis")
    redis = client.get_client()
    for key in redis.scan_iter():
        value = redis.dump(key) or b""
        assert b"against" not in value and b"abstain" not in value, key


def test_no_version_of_any_row_holds_a_choice(voted):
    """Below SQL: every tuple still in the tables' pages, dead versions included (what the data files
    and a physical backup hold until VACUUM), read with pageinspect."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pageinspect'")
        if not cursor.fetchone():
            pytest.skip("pageinspect is not installed")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        for table in _tables():
            cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [f'"{table}"'])
            for page in range(cursor.fetchone()[0]):
                cursor.execute("SELECT get_raw_page(%s, %s)", [table, page])
                raw = bytes(cursor.fetchone()[0])
                assert b"against" not in raw and b"abstain" not in raw, table
