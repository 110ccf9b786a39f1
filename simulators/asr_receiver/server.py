"""The receiver's HTTP server (stdlib ThreadingHTTPServer), like the Nmbrs simulator's.

    POST /v1/stands        a message; Authorization: Bearer <token>; Idempotency-Key: <key>
                           201 new receipt · 200 same receipt for a repeated key · 401 · 400 ·
                           409 key reused with another body · 422 invalid (body says why) ·
                           fail_status / 503 when told to fail
    GET  /health           liveness
    GET|POST /admin/knobs  {fail_next, fail_status, delay_s, down}
    GET  /admin/stats      counters;  GET /admin/receipts  every receipt (ids and counts)
    GET  /admin/messages/<receipt_id>   the stored message;  POST /admin/reset
"""

from __future__ import annotations

import hmac
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

from simulators.asr_receiver import DEFAULT_TOKEN, ENDPOINT
from simulators.asr_receiver.checks import Refusal, check_message, summary
from simulators.asr_receiver.store import KeyReused, Knobs, MessageStore


class ReceiverState:
    """What the request handlers share."""

    def __init__(self, token: str, knobs: Knobs | None = None, folder: Path | None = None,
                 reference_validation: bool = True):
        self.token = token
        self.reference_validation = reference_validation
        self.knobs = knobs or Knobs()
        self.store = MessageStore(folder)
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def take_failure(self) -> int | None:
        """Return the status to fail this POST with, if the knobs say so."""
        with self.lock:
            if self.knobs.down:
                return 503
            if self.knobs.fail_next > 0:
                self.knobs.fail_next -= 1
                return self.knobs.fail_status
        return None


class Handler(BaseHTTPRequestHandler):
    """One request; HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    server_version = "asr-receiver-simulator"
    state: ReceiverState

    def log_message(self, *args):  # quiet: tests read /admin/stats
        pass

    def _json(self, status: int, data) -> None:
        body = json.dumps(data, default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:  # tell the client, or it may reuse the closed connection
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        path, state = urlparse(self.path).path, self.state
        if path == "/health":
            return self._json(200, {"status": "ok"})
        if path == "/admin/knobs":
            return self._json(200, state.knobs.to_dict())
        if path == "/admin/stats":
            return self._json(200, dict(state.store.stats))
        if path == "/admin/receipts":
            return self._json(200, list(state.store.receipts.values()))
        if path.startswith("/admin/messages/"):
            body = state.store.bodies.get(path.rsplit("/", 1)[-1])
            if body is not None:
                return self._json(200, json.loads(body))
        self._json(404, {"error": "not_found"})

    def do_POST(self):
        path = urlparse(self.path).path
        if path == ENDPOINT:
            return self._receive()
        try:
            data = json.loads(self._body() or b"{}")
            if path == "/admin/knobs":
                with self.state.lock:
                    self.state.knobs.update(data)
                return self._json(200, self.state.knobs.to_dict())
            if path == "/admin/reset":
                with self.state.lock:
                    self.state.knobs = Knobs()
                self.state.store.reset()
                return self._json(200, {"reset": True})
        except (ValueError, TypeError) as err:
            return self._json(400, {"error": "bad_knobs", "reason": str(err)})
        self._json(404, {"error": "not_found"})

    def _receive(self) -> None:
        state = self.state
        body = self._body()
        state.store.count("posts")
        failure = state.take_failure()
        if failure is not None:
            state.store.count("failed_on_purpose")
            self.close_connection = True
            return self._json(failure, {"error": "unavailable", "reason": "told to fail"})
        try:
            receipt, duplicate = self._accept(body)
        except Refusal as refusal:
            state.store.count("refused")
            status = 401 if refusal.code == "unauthorized" else (
                409 if refusal.code == "idempotency_key_reused" else (
                    422 if refusal.code in ("schema_invalid", "content_hash_mismatch") else 400))
            return self._json(status, refusal.body())
        if state.knobs.delay_s:
            state.stopping.wait(state.knobs.delay_s)  # stored already: a slow answer, not a loss
        self._json(200 if duplicate else 201, {**receipt, "duplicate": duplicate})

    def _accept(self, body: bytes) -> tuple[dict, bool]:
        given = self.headers.get("Authorization") or ""
        if not hmac.compare_digest(given.encode(), f"Bearer {self.state.token}".encode()):
            raise Refusal("unauthorized", "a valid bearer token is required")
        key = (self.headers.get("Idempotency-Key") or "").strip()
        if not key or len(key) > 200:
            raise Refusal("missing_idempotency_key", "an Idempotency-Key header is required")
        known = self.state.store.receipts.get(key)
        if known is not None:  # a repeat answers before any parsing: same key, same receipt
            return self._store(key, body, {})
        message = check_message(body, self.state.reference_validation)
        return self._store(key, body, summary(message))

    def _store(self, key: str, body: bytes, about: dict) -> tuple[dict, bool]:
        try:
            return self.state.store.accept(key, body, about)
        except KeyReused:
            raise Refusal("idempotency_key_reused",
                          "this Idempotency-Key was used for another body") from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Stay quiet when a client gave up waiting (a slow answer it timed out on)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ReceiverServer:
    """The receiver on a loopback port (0 = a free one), served from a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, token: str = DEFAULT_TOKEN,
                 knobs: Knobs | None = None, folder: Path | None = None,
                 reference_validation: bool = True):
        self.state = ReceiverState(token, knobs, folder, reference_validation)
        handler = type("BoundReceiverHandler", (Handler,), {"state": self.state})
        self.httpd = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the root URL, e.g. http://127.0.0.1:8766."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def endpoint(self) -> str:
        """Return the URL messages are POSTed to."""
        return self.url + ENDPOINT

    def start(self) -> ReceiverServer:
        """Serve in a daemon thread and return self."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                        daemon=True, name="asr-receiver")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release delayed requests."""
        self.state.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
