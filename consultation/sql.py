"""Running the vote path's hand-written statements (selectors.vote_target, services.votes._store_vote).

On PostgreSQL they go through a server-side-binding psycopg cursor and are prepared once per database
connection: PostgreSQL then skips parsing and planning them on every vote. Django's own cursors bind
parameters on the client side and cannot prepare. The cursor is opened on Django's connection (same
transaction, same health check), and database errors come out as Django's (IntegrityError, ...)."""

import psycopg
from django.db import connection


def fetch_one(sql: str, params: dict) -> tuple | None:
    with connection.cursor() as wrapper:
        if connection.vendor != "postgresql":
            wrapper.execute(sql, params)
            return wrapper.fetchone()
        with connection.wrap_database_errors, psycopg.Cursor(wrapper.cursor.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()
