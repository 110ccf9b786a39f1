"""`koppeling authorize`: consent an Nmbrs REST account (OAuth, PKCE) and store its tokens.

Prints the consent URL; the code comes back pasted (the code, or the whole redirect URL) or,
with --listen, on the loopback redirect URI. The tokens go sealed into the warehouse token store
(where every task reads them), under the account's lock; nothing secret is printed.
"""

from __future__ import annotations

import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit


def register(subparsers) -> None:
    """Add the authorize command."""
    cmd = subparsers.add_parser("authorize", help="consent an Nmbrs REST account (OAuth) and "
                                                  "store its refresh token for the pipeline")
    cmd.add_argument("--conn-id", required=True, help="the account's nmbrs_rest connection")
    cmd.add_argument("--listen", action="store_true",
                     help="receive the code on the connection's loopback redirect URI")
    cmd.add_argument("--login-hint", help="the Nmbrs login to consent as (optional)")
    cmd.add_argument("--timeout", type=float, default=300.0, help="seconds to wait with --listen")
    cmd.set_defaults(handler=authorize)


def authorize(args) -> int:
    """Run the consent; return 0 when every scope the pipeline needs was granted."""
    from nmbrs.rest.oauth import begin_consent, exchange_code
    from nmbrs.rest.operations import REQUIRED_SCOPES

    hook = _hook(args.conn_id)
    oauth = hook.get_oauth_settings()
    consent = begin_consent(oauth, login_hint=args.login_hint)
    print(f"Open this URL, sign in to Nmbrs and consent:\n\n  {consent.url}\n", flush=True)
    if args.listen:
        code = listen_for_code(oauth.redirect_uri, consent.state, args.timeout)
    else:
        print("Paste the code (or the whole address you were sent to):", flush=True)
        code = code_from_paste(sys.stdin.readline(), consent.state)
    grant = exchange_code(oauth, code, consent)
    generation = store_grant(hook.get_token_store(), hook.account(), grant)
    missing = sorted(set(REQUIRED_SCOPES) - grant.scopes)
    print(f"Consent of {hook.account()} stored (generation {generation}).")
    if missing:
        print(f"Missing scopes: {', '.join(missing)}. Run authorize again and grant them.")
        return 1
    return 0


def _hook(conn_id: str):
    from nmbrs.hooks.nmbrs_rest import NmbrsRestHook
    from payroll_link.runtime import warehouse

    url = warehouse().engine.url.render_as_string(hide_password=False)
    return NmbrsRestHook(conn_id, warehouse_url=url)


def store_grant(store, account: str, grant) -> int:
    """Write a new consent's tokens under the account's lock; return their generation."""
    from nmbrs.rest.tokens import StoredTokens

    with store.hold(account) as held:
        previous = _safe_read(held)
        generation = previous.generation + 1 if previous else 0
        held.write(StoredTokens(grant.refresh_token, grant.access_token, grant.expires_at,
                                generation))
    return generation


def _safe_read(held):
    """Read the previous tokens; ones sealed with an old client secret are simply replaced."""
    from nmbrs.client.errors import NmbrsConfigError

    try:
        return held.read()
    except NmbrsConfigError:
        return None


def code_from_paste(text: str, state: str) -> str:
    """Return the code from a pasted code or redirect URL (whose state must match)."""
    text = text.strip()
    if "code=" not in text:
        if not text:
            raise SystemExit("no code pasted")
        return text
    return _code_from_query(parse_qs(urlsplit(text).query or text), state)


def _code_from_query(query: dict, state: str) -> str:
    if "error" in query:
        raise SystemExit(f"Nmbrs refused the consent: {query['error'][0][:60]}")
    if query.get("state", [state])[0] != state:
        raise SystemExit("the redirect's state does not match this consent: start again")
    if not query.get("code"):
        raise SystemExit("the redirect carries no code")
    return query["code"][0]


def listen_for_code(redirect_uri: str, state: str, timeout: float) -> str:
    """Serve the loopback redirect URI until the browser arrives with the code."""
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"--listen needs a loopback http redirect URI, not {redirect_uri}")
    received: dict = {}

    class Callback(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            split = urlsplit(self.path)
            if split.path != (parts.path or "/"):
                self.send_error(404)
                return
            received.update(parse_qs(split.query))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"Consent received; you can close this window.\n")

        def log_message(self, *args):  # the query holds the code: never log it
            pass

    server = HTTPServer((parts.hostname, parts.port or 80), Callback)
    server.timeout = 1.0  # handle_request returns each second, so the deadline is kept
    deadline = time.monotonic() + timeout
    try:
        while not received and time.monotonic() < deadline:
            server.handle_request()
    finally:
        server.server_close()
    if not received:
        raise SystemExit(f"no consent arrived within {timeout:.0f}s")
    return _code_from_query(received, state)
