"""The Nmbrs SOAP v3 simulator: HTTP server, SOAPAction and header checks, knobs, admin API."""

from __future__ import annotations

import json
import random
import socket
import struct
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from nmbrs.client.schema import OPERATIONS
from nmbrs.client.wsdlgen import wsdl_path
from simulators.nmbrs_sim import shapes, soap
from simulators.nmbrs_sim.access import Denied, authenticate, check_grant
from simulators.nmbrs_sim.handlers import HANDLERS, TaskStore
from simulators.nmbrs_sim.knobs import Knobs, Stats, Throttle

SOAP_PREFIX = "/soap/v3/"


class SimState:
    """Everything the request handlers share."""

    def __init__(self, world, knobs: Knobs | None = None, clock: date | None = None):
        self.world = world
        self.knobs = knobs or Knobs()
        self.clock = clock or world.config.clock
        self.throttle = Throttle()
        self.stats = Stats()
        self.tasks = TaskStore()
        self.rng = random.Random(7)
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def pick_fault(self, operation: str):
        """Return the first fault rule that fires for this call, if any."""
        with self.lock:
            for rule in self.knobs.faults:
                if rule.matches(operation, self.rng):
                    self.stats.faults[rule.kind] += 1
                    return rule
        return None


class Handler(BaseHTTPRequestHandler):
    """One HTTP request; keep-alive (HTTP/1.1) like IIS."""

    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0 (nmbrs-simulator)"
    state: SimState  # set on the subclass made per server

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without NODELAY, Nagle plus the client's
        # delayed ACK add ~40 ms to every keep-alive answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):  # quiet: tests and benchmarks read /admin/stats instead
        pass

    # --- plumbing -------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, ctype: str = "text/xml; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:  # tell the client, or it may reuse the closed connection
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data) -> None:
        self._send(status, json.dumps(data, default=str).encode(), "application/json")

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _service(self) -> str | None:
        path = urlparse(self.path).path
        if not path.startswith(SOAP_PREFIX) or not path.endswith(".asmx"):
            return None
        service = path[len(SOAP_PREFIX):-len(".asmx")]
        return service if service in OPERATIONS else None

    # --- GET: WSDL, health, admin ---------------------------------------------------------
    def do_GET(self):
        query = urlparse(self.path).query.lower()
        service = self._service()
        if service and query == "wsdl":
            return self._send(200, wsdl_path(service).read_bytes())
        path = urlparse(self.path).path
        if path == "/health":
            return self._json(200, {"status": "ok", "clock": self.state.clock.isoformat()})
        if path == "/admin/knobs":
            return self._json(200, self.state.knobs.to_dict())
        if path == "/admin/stats":
            return self._json(200, self.state.stats.to_dict())
        self._send(404, b"not found", "text/plain")

    def do_PUT(self):
        self.do_POST()

    def do_POST(self):
        service = self._service()
        if service:
            return self._soap(service)
        return self._admin(urlparse(self.path).path)

    def _admin(self, path: str) -> None:
        state = self.state
        try:
            data = json.loads(self._body() or b"{}")
            if path == "/admin/knobs":
                with state.lock:
                    state.knobs.update(data)
                return self._json(200, state.knobs.to_dict())
            if path == "/admin/clock":
                state.clock = date.fromisoformat(data["date"])
                return self._json(200, {"clock": state.clock.isoformat()})
            if path == "/admin/reset":
                with state.lock:
                    state.knobs = Knobs()
                state.stats.reset()
                return self._json(200, {"reset": True})
        except (ValueError, KeyError, TypeError) as err:
            return self._json(400, {"error": str(err)})
        self._send(404, b"not found", "text/plain")

    # --- SOAP -----------------------------------------------------------------------------
    def _soap(self, service: str) -> None:
        raw = self._body()
        try:
            request = soap.Request(raw)
            op = self._operation(service, request)
        except soap.ClientFault as err:
            return self._send(500, soap.fault(str(err), "soap:Client"))
        self._dispatch(service, op, request)

    def _operation(self, service: str, request: soap.Request):
        action = (self.headers.get("SOAPAction") or "").strip().strip('"')
        op = OPERATIONS[service].get(request.operation)
        if op is None or request.namespace != op.namespace or action != (
                f"{op.namespace}/{op.name}"):
            raise soap.ClientFault(
                "Unable to handle request without a valid action parameter. "
                "Please supply a valid soap action.")
        return op

    def _dispatch(self, service: str, op, request: soap.Request) -> None:
        state = self.state
        try:
            caller = authenticate(state.world, request.headers, op.header == "AuthHeaderWithDomain")
        except Denied as err:
            return self._send(500, soap.nmbrs_fault(err.code, err.text))
        state.stats.enter(op.name, caller.key)
        try:
            self._answer(service, op, request, caller)
        finally:
            state.stats.leave()

    def _answer(self, service, op, request, caller) -> None:
        state = self.state
        delay = state.knobs.latency(op.name)
        penalty = state.throttle.delay(caller.key, state.knobs.throttle_per_s,
                                       state.knobs.throttle_penalty_s)
        if penalty:
            state.stats.throttled += 1
        time.sleep(delay + penalty)
        rule = state.pick_fault(op.name)
        if rule is not None and self._inject(rule):
            return
        try:
            check_grant(caller, service, op.name)
            params = request.typed_params(op)
            value = HANDLERS[f"{service}.{op.name}"](state, caller, {**params, "_op": op.name})
        except Denied as err:
            return self._send(500, soap.nmbrs_fault(err.code, err.text))
        except soap.ClientFault as err:
            return self._send(500, soap.fault(str(err), "soap:Client"))
        self._send(200, shapes.render(op, value, state.knobs))

    def _inject(self, rule) -> bool:
        """Perform an injected fault; return True when the request is answered (or dropped)."""
        kind = rule.kind
        if kind == "hang":
            self.state.stopping.wait(rule.hang_s)
            self.close_connection = True
            return True
        if kind == "reset":
            # SO_LINGER 0: close with RST, as a dropped connection looks to the client.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return True
        if kind in ("http500", "http503"):
            self.close_connection = True
            body = b"<html><body><h1>Service Unavailable</h1></body></html>"
            self._send(500 if kind == "http500" else 503, body, "text/html")
            return True
        if kind == "soap_fault":
            self._send(500, soap.nmbrs_fault(rule.code, rule.text))
            return True
        if kind == "malformed":
            self._send(200, b'<?xml version="1.0"?><soap:Envelope xmlns:soap="x"><soap:Body><a>')
            return True
        if kind == "truncated":
            body = soap.fault("x" * 400)
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return True
        return False


class SimulatorServer:
    """The simulator on a loopback port (0 = a free one), served from a background thread."""

    def __init__(self, world, host: str = "127.0.0.1", port: int = 0, knobs: Knobs | None = None):
        self.state = SimState(world, knobs)
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the base URL, e.g. http://127.0.0.1:8765/soap/v3/."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{SOAP_PREFIX}"

    @property
    def admin_url(self) -> str:
        """Return the root URL of the admin endpoints."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SimulatorServer:
        """Serve in a daemon thread and return self."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                        name="nmbrs-simulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release hung requests."""
        self.state.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
