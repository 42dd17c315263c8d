"""A local OpenAI-compatible chat completions server for tests: a real socket on 127.0.0.1, one thread."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLabelServer:
    """Answers POST /v1/chat/completions. `mode`: "ok" (a label built from the first keyword, in a fenced
    JSON block as some models write it), "error" (HTTP 500), "garbage" (not JSON), "slow" (answers after
    `delay` seconds). Every request is kept in `requests` as (path, headers, body)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 2.0
        self.requests: list[tuple[str, dict, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append((self.path, dict(self.headers), body))
                if server.mode == "error" or self.path != "/v1/chat/completions":
                    self._send(500, b'{"error": "boom"}')
                    return
                if server.mode == "garbage":
                    self._send(200, b"<html>not json</html>")
                    return
                if server.mode == "slow":
                    time.sleep(server.delay)
                prompt = body["messages"][-1]["content"]
                first_keyword = prompt.split("Keywords: ", 1)[1].split(",")[0].split("\n")[0].strip()
                answer = {
                    "label": f"Thème {first_keyword}",
                    "summary": f"Les contributions parlent de {first_keyword}.",
                }
                content = "```json\n" + json.dumps(answer, ensure_ascii=False) + "\n```"
                payload = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
                self._send(200, json.dumps(payload).encode())

            def _send(self, status, data):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                    self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
