"""Who may use the app, and that every change comes from its own pages.

- On 127.0.0.1 (the default) nobody else can reach the server, so no login.
  Any other address needs a secret: a token printed at start (like Jupyter)
  or the content of --password-file. A login opens a session that expires
  after `SESSION_TTL` seconds without use.
- Every state-changing request (POST) carries the page's CSRF token, a
  random value per server start that another site's page cannot read.
- The Host header must name this server (no DNS rebinding).
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field

from starlette.requests import Request

SESSION_COOKIE = "dhtt_session"
SESSION_TTL = 8 * 3600
CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


@dataclass
class Guard:
    secret: str | None                  # None: no login needed (loopback)
    ttl: float = SESSION_TTL
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    sessions: dict[str, float] = field(default_factory=dict)    # session id -> expiry (monotonic)

    @property
    def needs_login(self) -> bool:
        return self.secret is not None

    def check_secret(self, given: str) -> bool:
        return self.secret is not None and hmac.compare_digest(given.strip().encode(), self.secret.encode())

    def open_session(self) -> str:
        sid = secrets.token_urlsafe(32)
        self.sessions[sid] = time.monotonic() + self.ttl
        return sid

    def session_ok(self, request: Request) -> bool:
        if not self.needs_login:
            return True
        sid = request.cookies.get(SESSION_COOKIE, "")
        expiry = self.sessions.get(sid)
        now = time.monotonic()
        if expiry is None or expiry < now:
            self.sessions.pop(sid, None)
            return False
        self.sessions[sid] = now + self.ttl       # sliding expiry: idle sessions end
        return True

    def csrf_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.csrf.encode())
