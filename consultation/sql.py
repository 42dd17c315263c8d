"""Running the vote path's hand-written statements (selectors.vote_target, services.votes._store_vote).

On PostgreSQL they go through a server-side-binding psycopg cursor and are prepared once per database
connection: PostgreSQL then skips parsing and planning them on every vote. Django's own cursors bind
parameters on the client side and cannot prepare. The cursor is opened on Django's connection (same
transaction, same health check), and database errors come out as Django's (IntegrityError, ...)."""

import psycopg
from django.db import connection


def fetch_one(sql: str, params: dict) -> tuple | None:
    if connection.vendor != "postgresql":
        with connection.cursor() as wrapper:
            wrapper.execute(sql, params)
            return wrapper.fetchone()
    # What connection.cursor() does before it builds its own cursor (health check, connect, thread
    # check), without building one we would not use: 40-90 us of CPU per statement, two per vote
    # (benchmarks/profile_vote.py).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()
