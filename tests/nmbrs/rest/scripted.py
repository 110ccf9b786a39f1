"""A scripted loopback HTTP server for unit tests of the REST client (answers from a function)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Scripted:
    """Serves `answer(request) -> (status, body, headers)`; records every request it saw."""

    def __init__(self, answer):
        self.answer = answer
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                request = {"path": parts.path, "query": {k: v[0] for k, v in
                                                         parse_qs(parts.query).items()},
                           "headers": dict(self.headers)}
                outer.requests.append(request)
                status, body, headers = outer.answer(request)
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", (headers or {}).pop(
                    "Content-Type", "application/json"))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def problem(status: int, kind: str, code: int, title: str) -> dict:
    """Return an error body in the spec's shape."""
    return {"type": kind, "httpStatus": status, "code": code, "title": title,
            "detail": "detail text", "docUrl": "https://example.invalid/errors"}
