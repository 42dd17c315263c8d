"""PostgreSQL going away under the site (issue #22): the site is served by gunicorn with the production
settings, through a TCP relay of the test's own in front of PostgreSQL, so that the test can cut every
connection and refuse new ones, as a restart or a failover does, without touching the server itself.

While the database is away, pages answer 503 with Retry-After (a page for people, JSON for the API);
once it is back, the same gunicorn processes serve again: nothing to restart."""

import contextlib
import json
import socket
import threading

import pytest

from tests.helpers import gunicorn_server, url_of_the_test_database

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


class Relay:
    """Forwards 127.0.0.1:<port> to PostgreSQL; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            with contextlib.suppress(OSError):  # wakes the thread blocked in accept() (Linux)
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:  # cut
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()


def test_pages_answer_503_while_the_database_is_away_and_serve_again_after(db):
    from django.db import connection

    database = connection.settings_dict
    relay = Relay((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    relay.open()
    address = url_of_the_test_database().replace(f":{database['PORT'] or 5432}/", f":{relay.port}/")
    try:
        # DEBUG off, as in production: errors go through the site's error handlers (config/views.py).
        with gunicorn_server(address, {"DJANGO_DEBUG": "0"}, workers="1", threads="2") as get:
            assert get("/consultations/").status == 200  # a persistent connection is open now

            relay.cut()
            page = get("/consultations/")
            api = get("/api/consultations/")
            relay.open()
            after = get("/consultations/")
    finally:
        relay.cut()

    assert page.status == 503 and page.getheader("Retry-After") == "30", page.body[:3000]
    assert "Brièvement indisponible" in page.body.decode()  # in the site's language, French
    assert api.status == 503 and api.getheader("Retry-After") == "30"
    assert "detail" in json.loads(api.body)
    assert after.status == 200  # the same gunicorn worker reconnects
