"""Local receivers for alerts: an SMTP sink and a JSON webhook receiver on free loopback ports.

The SMTP sink speaks just enough RFC 5321 for smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT; no STARTTLS, no AUTH) and keeps each message's raw bytes. The webhook receiver keeps each
POST's path, headers and body. Both are fixtures; `alert_connections` turns them into the
`AIRFLOW_CONN_*` values of the alert channels.
"""

from __future__ import annotations

import email
import json
import socketserver
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Sink:
    """What a receiver got."""

    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item) -> None:
        with self.lock:
            self.messages.append(item)


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        envelope = {"from": None, "to": []}
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                envelope = {"from": line.decode().strip()[10:], "to": []}
                self.reply("250 ok")
            elif verb == "RCPT":
                envelope["to"].append(line.decode().strip()[8:])
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                self.server.sink.add({**envelope, "raw": self._read_data()})
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            elif verb in ("RSET", "NOOP"):
                self.reply("250 ok")
            else:
                self.reply("502 not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.sink.add({"path": self.path, "headers": dict(self.headers), "raw": body,
                              "json": json.loads(body)})
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        return


def _serve(server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def smtp_sink():
    """An SMTP server on a free loopback port; `.sink.messages` are dicts with raw bytes."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.sink = Sink()
    _serve(server)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook_receiver():
    """An HTTP receiver on a free loopback port; `.sink.messages` hold each POST."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WebhookHandler)
    server.sink = Sink()
    _serve(server)
    yield server
    server.shutdown()
    server.server_close()


def alert_connections(smtp_server, webhook_server) -> dict[str, str]:
    """Return the AIRFLOW_CONN_* variables of the alert channels pointing at the receivers."""
    smtp = {"conn_type": "smtp", "host": "127.0.0.1", "port": smtp_server.server_address[1],
            "extra": {"from_email": "koppeling@example.test", "to": "data-team@example.test",
                      "disable_tls": True, "disable_ssl": True, "timeout": 5, "retry_limit": 0}}
    hook = {"conn_type": "http",
            "host": f"http://127.0.0.1:{webhook_server.server_address[1]}/hooks/data-team"}
    return {"AIRFLOW_CONN_KOPPELING_ALERT_SMTP": json.dumps(smtp),
            "AIRFLOW_CONN_KOPPELING_ALERT_WEBHOOK": json.dumps(hook)}


def mail_text(message: dict) -> str:
    """Return subject and decoded body parts of a sunk e-mail as one text."""
    parsed = email.message_from_bytes(message["raw"])
    parts = [str(parsed["Subject"])]
    for part in parsed.walk():
        if not part.is_multipart():
            charset = part.get_content_charset() or "utf-8"
            parts.append(part.get_payload(decode=True).decode(charset))
    return "\n".join(parts)


def secrets_of(world, company_ids) -> list[str]:
    """Return the API tokens and the BSNs and IBANs of the companies (what must never leak)."""
    values = [account.token for account in world.config.accounts]
    for company_id in company_ids:
        for employee_id in world.company(company_id).employee_ids():
            employee = world.employee(employee_id)
            values.append(employee.bsn)
            values.extend(a["IBAN"] for a in employee.bank_accounts(10, 2026) if a.get("IBAN"))
    return [value for value in values if value]
