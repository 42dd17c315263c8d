"""Running the vote path's hand-written statements (selectors.vote_target, services.votes._store_vote).

On PostgreSQL they go through a server-side-binding psycopg cursor and are prepared once per database
connection: PostgreSQL then skips parsing and planning them on every vote. Django's own cursors bind
parameters on the client side and cannot prepare. The cursor is opened on Django's connection (same
transaction, same health check), and database errors come out as Django's (IntegrityError, ...)."""

import psycopg
from django.db import connection
from django.db.models import Model


def instances(row: tuple, *parts: tuple[type[Model], tuple[str, ...]]) -> list[Model]:
    """The models a hand-written row holds, read as the ORM reads them: `parts` are each model with the
    column names it takes from the row, in order. On PostgreSQL psycopg already gives aware datetimes and
    the row is used as is; other databases need the ORM's converters (SQLite gives naive datetimes, which
    a comparison with an aware one turns into a 500)."""
    found, start = [], 0
    for model, columns in parts:
        values = row[start : start + len(columns)]
        start += len(columns)
        if connection.vendor != "postgresql":
            values = [
                _as_the_orm_reads(model, column, value) for column, value in zip(columns, values, strict=True)
            ]
        found.append(model.from_db(connection.alias, columns, values))
    return found


def _as_the_orm_reads(model: type[Model], column: str, value):
    field = model._meta.get_field(column)
    col = field.get_col(model._meta.db_table)
    for converter in connection.ops.get_db_converters(col) + field.get_db_converters(connection):
        value = converter(value, col, connection)
    return value


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
