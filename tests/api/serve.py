"""Run gunicorn for the API tests with no name lookups: generated URLs never leave the machine.

Usage: python -m tests.api.serve [gunicorn options]
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from typing import Any

from gunicorn.app.wsgiapp import run

_getaddrinfo = socket.getaddrinfo


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
    """Answer IP literals and localhost; any other name fails as if it did not exist."""
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name == "localhost" or _is_ip(name):
        return _getaddrinfo(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


if __name__ == "__main__":
    socket.getaddrinfo = loopback_only
    sys.argv[0] = "gunicorn"
    sys.exit(run())
