"""The Nmbrs REST simulator: HTTP server for the API, the identity server and the admin API."""

from __future__ import annotations

import base64
import json
import random
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from simulators.nmbrs_rest_sim import api
from simulators.nmbrs_rest_sim.contract import json_body, response_errors
from simulators.nmbrs_rest_sim.documents import Raw, TaskStore
from simulators.nmbrs_rest_sim.errors import ApiError
from simulators.nmbrs_rest_sim.ids import IdIndex
from simulators.nmbrs_rest_sim.knobs import RateLimiter, RestKnobs
from simulators.nmbrs_rest_sim.oauth import IdentityServer, OAuthError, RestClient
from simulators.nmbrs_rest_sim.scopes import READ_SCOPES
from simulators.nmbrs_sim.knobs import Stats

DEFAULT_CLIENTS = (
    RestClient("koppeling-sim", "sim-client-secret-koppeling"),
    RestClient("koppeling-sim-narrow", "sim-client-secret-narrow",
               READ_SCOPES - {"employee.bankaccount.read"}),
)
DEFAULT_SUBSCRIPTION_KEYS = ("sim-subscription-key-0001",)


class RestState:
    """Everything the request handlers share."""

    def __init__(self, world, knobs=None, clients=DEFAULT_CLIENTS,
                 subscription_keys=DEFAULT_SUBSCRIPTION_KEYS, validate: bool = False):
        self.world = world
        self.knobs = knobs or RestKnobs()
        self.clock: date = world.config.clock
        self.ids = IdIndex(world)
        self.identity = IdentityServer(world, list(clients), lambda: self.knobs)
        self.subscription_keys = frozenset(subscription_keys)
        self.tasks = TaskStore()
        self.limiter = RateLimiter()
        self.stats = Stats()
        self.rng = random.Random(7)
        self.lock = threading.Lock()
        self.validate = validate
        self.violations: list[str] = []

    def pick_fault(self, template: str):
        """Return the first fault rule that fires for this call, if any."""
        with self.lock:
            for rule in self.knobs.faults:
                if rule.matches(template, self.rng):
                    self.stats.faults[rule.kind] += 1
                    return rule
        return None


class Handler(BaseHTTPRequestHandler):
    """One HTTP request (keep-alive)."""

    protocol_version = "HTTP/1.1"
    server_version = "nmbrs-rest-simulator"
    state: RestState

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data, headers: dict | None = None) -> None:
        self._send(status, json_body(data), "application/json", headers)

    def _form(self) -> dict:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def do_GET(self):
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        if path.startswith("/api/"):
            return self._api(path, query)
        if path == "/connect/authorize":
            return self._authorize({k: v[-1] for k, v in query.items()})
        if path == "/health":
            return self._json(200, {"status": "ok", "clock": self.state.clock.isoformat()})
        if path == "/admin/knobs":
            return self._json(200, self.state.knobs.to_dict())
        if path == "/admin/stats":
            return self._json(200, self.state.stats.to_dict())
        if path == "/admin/violations":
            with self.state.lock:
                return self._json(200, {"violations": list(self.state.violations)})
        self._json(404, {"error": "not found"})

    def _api(self, path: str, query: dict) -> None:
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        try:
            raw = api.as_raw(api.answer(self.state, self.headers, path, query,
                                        f"http://{host}{path}"))
            headers = {}
        except ApiError as err:
            raw, headers = Raw(err.status, "application/json", json_body(err.body())), err.headers
        if self.state.validate:
            self._check_contract(path, raw)
        self._send(raw.status, raw.body, raw.content_type, headers)

    def _check_contract(self, path: str, raw: Raw) -> None:
        if api.match(path) is None:  # a path the simulator does not serve: nothing to check
            return
        for problem in response_errors("GET", path, raw.status, raw.content_type, raw.body):
            with self.state.lock:
                self.state.violations.append(f"GET {path} -> {raw.status}: {problem}")

    def _authorize(self, query: dict) -> None:
        try:
            code = self.state.identity.authorize(query)
        except OAuthError as err:
            return self._json(err.status, err.body())
        params = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        self._send(302, b"", "text/plain",
                   {"Location": f"{query['redirect_uri']}?{urlencode(params)}"})

    def do_POST(self):
        path = urlsplit(self.path).path
        if path == "/connect/token":
            return self._token()
        return self._admin(path)

    def _token(self) -> None:
        form = self._form()
        try:
            answer = self.state.identity.token(form, _basic(self.headers.get("Authorization")))
        except OAuthError as err:
            return self._json(err.status, err.body())
        self._json(200, answer, {"Cache-Control": "no-store"})

    def _admin(self, path: str) -> None:
        state = self.state
        try:
            length = int(self.headers.get("Content-Length") or 0)
            data = json.loads(self.rfile.read(length) or b"{}")
            if path == "/admin/knobs":
                with state.lock:
                    state.knobs.update(data)
                return self._json(200, state.knobs.to_dict())
            if path == "/admin/clock":
                state.clock = date.fromisoformat(data["date"])
                return self._json(200, {"clock": state.clock.isoformat()})
            if path == "/admin/expire-tokens":
                return self._json(200, {"expired": state.identity.expire_access_tokens()})
            if path == "/admin/reset":
                with state.lock:
                    state.knobs = RestKnobs()
                state.stats.reset()
                return self._json(200, {"reset": True})
        except (ValueError, KeyError, TypeError) as err:
            return self._json(400, {"error": str(err)})
        self._json(404, {"error": "not found"})


def _basic(header: str | None) -> tuple[str, str] | None:
    """Return (client_id, secret) of an HTTP Basic header (each half percent-encoded)."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except ValueError:
        return None
    return unquote(user), unquote(secret)


class RestSimulatorServer:
    """The REST simulator on a loopback port (0 = a free one), served from a background thread."""

    def __init__(self, world, host: str = "127.0.0.1", port: int = 0, knobs=None, **options):
        self.state = RestState(world, knobs, **options)
        handler = type("BoundRestHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the base URL (API under /api/, identity server under /connect/)."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RestSimulatorServer:
        """Serve in a daemon thread and return self."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                        name="nmbrs-rest-simulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()
