"""The address of the client a request came from, trusting only the proxies we run.

X-Forwarded-For is a list any client can start: "spoofed, client, proxy1". Each proxy
appends the address it received the request from, so only the last N entries, written by
the N proxies of our own (settings.TRUSTED_PROXY_COUNT), are true; the N-th from the right
is the client as the outermost of them saw it. Everything left of it is the client's word.
With no trusted proxy the header is ignored and REMOTE_ADDR is the client. A header shorter
than N entries, or an entry that is not an address, means the request did not come the way
the proxies would send it: REMOTE_ADDR is used instead. X-Real-IP is never read.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# The unspecified address stands for a peer that gave none (a Unix socket, a test double).
UNKNOWN = "0.0.0.0"  # noqa: S104


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, as the outermost trusted proxy (or our socket) saw it."""
    remote = _address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry for entry in forwarded.split(",") if entry.strip()]
    if len(entries) < hops:
        return remote
    return _address(entries[-hops]) or remote
