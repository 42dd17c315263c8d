"""Django's PostgreSQL backend with a health check that costs no round trip when nothing is wrong.

With CONN_HEALTH_CHECKS, Django sends ``SELECT 1`` before the first query of every request that reuses
a persistent connection: on the vote path that was one of three database round trips. An idle
connection has nothing to read, so when its socket is readable the server has closed it or sent an
error (restart, ``pg_terminate_backend``, ``idle_session_timeout``): only then is the full check run,
and a dead connection is closed and replaced before the request uses it, as with Django's check.
A connection whose peer vanished without closing it (host down, network cut) is not detected, by this
check or Django's, before the request's own query fails (then Django closes it at the request's end).
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        # Something to read on an idle connection: most likely its end; a notice is harmless, and the
        # full check reads it.
        return super().is_usable() if _readable(connection.fileno()) else True


def _readable(fd: int) -> bool:
    if hasattr(select, "poll"):  # not select(): it fails on descriptors above 1023 (busy processes)
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])
