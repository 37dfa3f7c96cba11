"""The one way Briefroom sends HTTP requests to the outside world.

Editors paste arbitrary URLs and workers fetch them, so every request could be aimed at
something inside our own network (SSRF). This module therefore:

* accepts only http and https on allowed ports, and refuses user:password URLs;
* reads odd spellings of IPv4 addresses (``2130706433``, ``0x7f.1``, ``0177.1``) the way
  resolvers do, so they are judged as the address they really are;
* resolves host names itself, refuses the host if ANY answer is a loopback, private,
  link-local, shared (CGNAT), multicast, reserved, documentation, benchmark or cloud
  metadata address (IPv4, IPv6 and the IPv6 forms that embed an IPv4 address), and then
  connects only to the addresses it checked: the socket is opened on the checked IP while
  the Host header, TLS SNI and certificate check still use the host name, so a second DNS
  answer (rebinding) can never be used;
* follows redirects itself, at most five, checking every hop again, and drops the
  caller's extra headers (tokens) once a redirect leaves the original origin;
* ignores proxy environment variables (urllib3 never reads them);
* caps connect time, total time (a watchdog shuts the socket at the deadline, so a slow
  drip cannot outlive it), and body size after decompression, and checks content types.

settings.FETCH_ALLOWLIST names "host:port" pairs exempt from the port, name and address
checks, for tests and benchmarks that serve pages from 127.0.0.1. It is empty by default.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import DecodeError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.response import BaseHTTPResponse, HTTPResponse

from core import politeness
from core.fetch_error import FetchError

logger = logging.getLogger(__name__)

Purpose = Literal["html", "api", "image", "feed"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
ACCEPT_ENCODING = "gzip, deflate"
ACCEPT = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "api": "application/json,application/atom+xml,application/xml;q=0.9,text/xml;q=0.8",
    "image": "image/webp,image/png,image/jpeg,image/gif;q=0.9",
    "feed": (
        "application/atom+xml,application/rss+xml,application/rdf+xml,application/feed+json,"
        "application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8,*/*;q=0.5"
    ),
}
CONTENT_TYPES: dict[str, frozenset[str]] = {
    "html": frozenset({"text/html", "application/xhtml+xml"}),
    "api": frozenset(
        {
            "application/json",
            "application/atom+xml",
            "application/rss+xml",
            "application/xml",
            "text/xml",
        }
    ),
    "image": frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
    # Feeds are served under many types; an HTML page is let through so that the feed
    # reader can say it is a page and look for the feed it links to.
    "feed": frozenset(
        {
            "application/atom+xml",
            "application/rss+xml",
            "application/rdf+xml",
            "application/feed+json",
            "application/json",
            "application/xml",
            "text/xml",
            "text/plain",
            "text/html",
            "application/xhtml+xml",
        }
    ),
}
# Image hosts often say octet-stream; such bodies are judged by their magic numbers.
_GENERIC_TYPES = frozenset({"application/octet-stream", "binary/octet-stream"})
_CHUNK = 64 * 1024


# --- Results and errors -------------------------------------------------------------------


@dataclass
class FetchResult:
    url: str  # final URL after redirects
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes
    content_type: str  # media type only, lower-cased
    charset: str  # from the header, lower-cased, '' if none
    redirects: list[str] = field(default_factory=list)  # each Location followed, absolute
    redirect_statuses: list[int] = field(default_factory=list)  # the status of each redirect


# --- Which addresses are refused -----------------------------------------------------------

_V4_RULES: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), reason)
    for net, reason in (
        # Cloud metadata and platform services first, so the reason names them.
        ("169.254.169.254/32", "cloud-metadata"),  # AWS, GCP, Azure, OpenStack, Oracle
        ("169.254.170.2/32", "cloud-metadata"),  # AWS ECS task metadata
        ("169.254.169.253/32", "cloud-metadata"),  # AWS DNS
        ("169.254.169.123/32", "cloud-metadata"),  # AWS time service
        ("169.254.0.23/32", "cloud-metadata"),  # Tencent Cloud
        ("100.100.100.200/32", "cloud-metadata"),  # Alibaba Cloud
        ("168.63.129.16/32", "cloud-metadata"),  # Azure WireServer (a public address)
        ("192.0.0.192/32", "cloud-metadata"),  # Oracle Cloud (legacy)
        ("255.255.255.255/32", "broadcast"),
        ("0.0.0.0/32", "unspecified"),
        ("0.0.0.0/8", "reserved"),  # "this network"
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "cgnat"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved"),  # IETF protocol assignments
        ("192.0.2.0/24", "documentation"),
        ("192.31.196.0/24", "reserved"),  # AS112
        ("192.52.193.0/24", "reserved"),  # AMT
        ("192.88.99.0/24", "reserved"),  # 6to4 relay anycast
        ("192.168.0.0/16", "private"),
        ("192.175.48.0/24", "reserved"),  # AS112 direct delegation
        ("198.18.0.0/15", "benchmark"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    )
)

_V6_RULES: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), reason)
    for net, reason in (
        ("fd00:ec2::/32", "cloud-metadata"),  # AWS metadata, DNS and time (fd00:ec2::254 ...)
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "reserved"),  # IPv4-compatible, deprecated (RFC 4291)
        ("::ffff:0:0:0/96", "reserved"),  # SIIT IPv4-translated
        ("64:ff9b:1::/48", "private"),  # local-use NAT64 (RFC 8215)
        ("100::/64", "reserved"),  # discard-only
        ("2001::/32", "reserved"),  # Teredo: the embedded client address is not checkable
        ("2001:2::/48", "benchmark"),
        ("2001:db8::/32", "documentation"),
        ("2001::/23", "reserved"),  # IETF protocol assignments
        ("3fff::/20", "documentation"),
        ("5f00::/16", "reserved"),  # SRv6 SIDs
        ("fc00::/7", "private"),  # unique local
        ("fe80::/10", "link-local"),
        ("fec0::/10", "private"),  # site-local, deprecated
        ("ff00::/8", "multicast"),
    )
)
_V6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

REASON_TEXT = {
    "loopback": "a loopback address",
    "private": "a private address",
    "link-local": "a link-local address",
    "cgnat": "a shared (carrier-grade NAT) address",
    "multicast": "a multicast address",
    "reserved": "a reserved address",
    "unspecified": "an unspecified address",
    "broadcast": "a broadcast address",
    "documentation": "a documentation address",
    "benchmark": "a benchmarking address",
    "cloud-metadata": "a cloud metadata address",
    "invalid": "not a valid IP address",
}


def is_refused_address(ip: str) -> str | None:
    """Why the fetcher will not connect to `ip` ('loopback', 'private', ...), or None.

    Anything that does not parse as an IP address is refused as 'invalid' (fail closed).
    """
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0].strip("[]"))
    except ValueError:
        return "invalid"
    return _refusal(address)


def _refusal(address: IPAddress) -> str | None:
    if isinstance(address, ipaddress.IPv4Address):
        return _v4_refusal(address)
    return _v6_refusal(address)


def _v4_refusal(address: ipaddress.IPv4Address) -> str | None:
    for network, reason in _V4_RULES:
        if address in network:
            return reason
    # Safety net: whatever else IANA lists as not globally reachable.
    return None if address.is_global else "reserved"


def _v6_refusal(address: ipaddress.IPv6Address) -> str | None:
    embedded = _embedded_v4(address)
    if embedded is not None:
        # Mapped, NAT64 and 6to4 addresses reach the IPv4 address inside them.
        return _v4_refusal(embedded)
    for network, reason in _V6_RULES:
        if address in network:
            return reason
    if address not in _V6_GLOBAL_UNICAST or not address.is_global:
        return "reserved"
    return None


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour  # 2002::/16, None otherwise


# --- URL parsing -------------------------------------------------------------------------

_HOST_CHARS = re.compile(r"^[a-z0-9._-]+$")
_LOCAL_NAMES = ("localhost", "localdomain", "local", "internal", "home.arpa", "lan")
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # lower-case ASCII name, or an IP address without brackets
    port: int
    ip: IPAddress | None  # set when the host is an address literal
    request_target: str  # path and query, percent-encoded

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)

    @property
    def host_key(self) -> str:
        """host, or host:port on a non-default port: the unit of politeness."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def _invalid(url: str, why: str) -> FetchError:
    return FetchError("invalid_url", f"Cannot fetch {url}: {why}.")


def _parse_url(url: str) -> _Target:
    text = url.strip()
    if not text:
        raise FetchError("invalid_url", "Cannot fetch an empty URL.")
    if _UNSAFE_CHARS.search(text):
        raise _invalid(text, "the URL contains spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _invalid(text, "the URL or its port is malformed") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(
            "blocked", f"Refused to fetch {text}: only http and https URLs are fetched."
        )
    if "@" in parts.netloc:
        raise _invalid(text, "URLs with a user name or password are not accepted")
    host, ip = _parse_host(text, parts.hostname or "", "[" in parts.netloc)
    if port == 0:
        raise _invalid(text, "port 0 is not a port")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    return _Target(
        url=text,
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        ip=ip,
        request_target=f"{path}?{query}" if query else path,
    )


def _parse_host(url: str, raw: str, bracketed: bool) -> tuple[str, IPAddress | None]:
    """The host as ASCII, and its address when it is an IP literal in any spelling."""
    if not raw:
        raise _invalid(url, "the URL has no host")
    if bracketed:
        try:
            address = ipaddress.IPv6Address(raw)
        except ValueError:
            raise _invalid(url, "the IPv6 address is malformed") from None
        return str(address), address
    host = raw
    if not host.isascii():
        try:
            # Also maps full-width digits and dots (１２７。０。０。１) to ASCII, as browsers do.
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise _invalid(url, "the host name is not a valid international name") from None
    host = host.lower().rstrip(".")
    if not host or not _HOST_CHARS.match(host) or ".." in host or len(host) > 253:
        raise _invalid(url, "the host name is malformed")
    if _ends_in_number(host):
        ipv4 = _parse_ipv4(host)
        if ipv4 is None:
            raise _invalid(url, f"{host} is not a valid IPv4 address")
        return str(ipv4), ipv4
    return host, None


def _ends_in_number(host: str) -> bool:
    """WHATWG URL rule: a host whose last label is numeric is an IPv4 address."""
    last = host.rsplit(".", 1)[-1]
    return bool(re.fullmatch(r"[0-9]+|0[xX][0-9a-fA-F]*", last))


def _parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Parse inet_aton-style IPv4 (1 to 4 parts, each decimal, 0x-hex or 0-octal)."""
    parts = host.split(".")
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part[:2] in ("0x", "0X"):
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part, 8))
            else:
                numbers.append(int(part, 10))
        except ValueError:
            return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


# --- Checks before connecting -----------------------------------------------------------


def _allowlisted(target: _Target) -> bool:
    for entry in settings.FETCH_ALLOWLIST:
        try:
            parts = urlsplit(f"//{entry.strip()}")
            host, port = (parts.hostname or "").rstrip("."), parts.port
        except ValueError:
            continue
        if port is None:
            port = 443 if target.scheme == "https" else 80
        if host and (host, port) == (target.host, target.port):
            return True
    return False


def _blocked(message: str) -> FetchError:
    """Every refusal, whether for the port, the name or the address, is logged alike."""
    logger.warning("fetch blocked: %s", message)
    return FetchError("blocked", message + ".")


def _check_static(target: _Target) -> bool:
    """Port and host-name checks; returns whether the target is allowlisted."""
    if _allowlisted(target):
        return True
    allowed_ports = {int(port) for port in settings.FETCH_ALLOWED_PORTS}
    if target.port not in allowed_ports:
        raise _blocked(f"Refused to fetch {target.url}: port {target.port} is not allowed")
    if target.ip is None:
        labels = target.host.split(".")
        if len(labels) == 1 or any(
            target.host == name or target.host.endswith("." + name) for name in _LOCAL_NAMES
        ):
            raise _blocked(f"Refused to fetch {target.url}: {target.host} is a local host name")
    return False


def _resolve(target: _Target) -> list[IPAddress]:
    """Every address the host resolves to, in the resolver's order."""
    if target.ip is not None:
        return [target.ip]
    try:
        answers = socket.getaddrinfo(
            target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(
            "connection", f"Could not find the server {target.host} ({error})."
        ) from None
    addresses: list[IPAddress] = []
    for family, *_rest, sockaddr in answers:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError("connection", f"Could not find the server {target.host}.")
    return addresses


def _check_addresses(target: _Target, addresses: list[IPAddress]) -> None:
    """Refuse the whole host if any answer is refused: the resolver could pick it later."""
    for address in addresses:
        reason = _refusal(address)
        if reason is None:
            continue
        what = REASON_TEXT.get(reason, reason)
        if target.ip is not None:
            message = f"Refused to fetch {target.url}: {address} is {what}"
        else:
            message = f"Refused to fetch {target.url}: {target.host} resolves to {address}, {what}"
        raise _blocked(message)


def _vet(target: _Target) -> list[IPAddress]:
    """The checked addresses to connect to, or FetchError("blocked")."""
    allowlisted = _check_static(target)
    addresses = _resolve(target)
    if not allowlisted:
        _check_addresses(target, addresses)
    return addresses


def check_url_allowed(url: str) -> None:
    """Raise FetchError("blocked"/"invalid_url") for a URL fetch() would refuse; never connects.

    For validating webhook targets when they are saved. The host is resolved when it can
    be; a lookup that fails for a temporary reason is let through, since sending checks
    again anyway.
    """
    target = _parse_url(url)
    allowlisted = _check_static(target)
    try:
        addresses = _resolve(target)
    except FetchError:
        if _resolves_nowhere(target.host):
            raise _invalid(target.url, f"the host {target.host} does not exist") from None
        return
    if not allowlisted:
        _check_addresses(target, addresses)


def _resolves_nowhere(host: str) -> bool:
    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return error.errno == socket.EAI_NONAME
    return False


# --- Connecting only to the checked address ------------------------------------------------


class _Deadline:
    """A total time budget for one request; at the deadline the socket is shut down.

    Socket timeouts apply per read, so a server dripping a byte a second would never trip
    them. A timer thread shuts the connection down instead, which wakes any blocked read
    (plain or TLS). It shuts down a dup of the socket: TLS wrapping detaches the original
    object, but both descriptors name the same connection.
    """

    def __init__(self, seconds: float) -> None:
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self.expires - time.monotonic())

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock.dup())
            if self.expired:
                self._shutdown_all()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown_all()

    def _shutdown_all(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):  # already closed by the peer
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _open_socket(
    addresses: tuple[IPAddress, ...], port: int, timeout: float, deadline: _Deadline, host: str
) -> socket.socket:
    """Connect to the first checked address that answers; never resolves anything."""
    failure: FetchError | None = None
    for address in addresses:
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(max(0.001, min(timeout, deadline.remaining())))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            deadline.attach(sock)
            sock.connect((str(address), port))
            return sock
        except TimeoutError:
            sock.close()
            failure = FetchError(
                "timeout", f"The server {host} did not accept a connection in time."
            )
        except OSError as error:
            sock.close()
            failure = FetchError(
                "connection", f"Could not connect to {host} ({error.strerror or error})."
            )
    assert failure is not None  # addresses is never empty
    raise failure


class _PinnedMixin:
    """Opens the socket on the checked addresses instead of resolving the host again."""

    def __init__(
        self,
        *args: object,
        pinned: tuple[IPAddress, ...] = (),
        deadline: _Deadline | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pinned = pinned
        self.deadline = deadline

    def _new_conn(self) -> socket.socket:
        # FetchError is not an OSError, so urllib3 lets it through unchanged.
        assert self.deadline is not None
        timeout = self.timeout  # type: ignore[attr-defined]
        if not isinstance(timeout, int | float):
            timeout = self.deadline.remaining()
        return _open_socket(
            self.pinned,
            self.port,  # type: ignore[attr-defined]
            float(timeout),
            self.deadline,
            self.host,  # type: ignore[attr-defined]
        )


class _PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _Exchange:
    """One request and its response on a fresh connection to checked addresses."""

    def __init__(self, target: _Target, addresses: list[IPAddress], seconds: float) -> None:
        self.target = target
        self.deadline = _Deadline(seconds)
        connect = min(float(settings.FETCH_CONNECT_TIMEOUT), seconds)
        timeout = urllib3.Timeout(connect=connect, read=seconds)
        pinned = tuple(addresses)
        if target.scheme == "https":
            self.pool: HTTPConnectionPool = _PinnedHTTPSPool(
                target.host,
                target.port,
                maxsize=1,
                retries=False,
                timeout=timeout,
                cert_reqs="CERT_REQUIRED",
                ca_certs=settings.FETCH_CA_BUNDLE or None,
                pinned=pinned,
                deadline=self.deadline,
            )
        else:
            self.pool = _PinnedHTTPPool(
                target.host,
                target.port,
                maxsize=1,
                retries=False,
                timeout=timeout,
                pinned=pinned,
                deadline=self.deadline,
            )
        self.response: BaseHTTPResponse | None = None

    def send(self, method: str, headers: dict[str, str], body: bytes | None = None):
        if self.deadline.remaining() <= 0:
            raise _timeout(self.target)
        self.response = self.pool.urlopen(
            method,
            self.target.request_target,
            body=body,
            headers=headers,
            retries=False,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
            decode_content=True,
            release_conn=False,
        )
        return self.response

    def close(self) -> None:
        if self.response is not None:
            self.response.close()
        self.pool.close()
        self.deadline.close()

    def __enter__(self) -> _Exchange:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _timeout(target: _Target) -> FetchError:
    return FetchError("timeout", f"Gave up on {target.url}: the server took too long.")


def _translate(error: Exception, target: _Target, deadline: _Deadline) -> FetchError:
    """Map a transport failure to a FetchError; a shut-down socket means the deadline."""
    if isinstance(error, FetchError):
        return error
    if deadline.expired or isinstance(error, Urllib3Timeout | TimeoutError):
        return _timeout(target)
    if isinstance(error, DecodeError):
        return FetchError(
            "http_error",
            f"The server for {target.url} sent a body that could not be decompressed.",
            transient=False,
        )
    if isinstance(error, SSLError):
        return FetchError(
            "connection", f"Secure connection to {target.host} failed: {error}", transient=True
        )
    return FetchError("connection", f"Connection to {target.host} failed: {error}")


# --- Responses ----------------------------------------------------------------------------


def _headers_of(response: BaseHTTPResponse) -> dict[str, str]:
    return {name.lower(): response.headers[name] for name in response.headers}


def _parse_content_type(value: str) -> tuple[str, str]:
    media, _, params = value.partition(";")
    media = media.strip().lower()
    if "/" not in media:
        media = ""
    charset = ""
    for param in params.split(";"):
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").lower()
    return media, charset


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _rate_limit_reset(headers: dict[str, str]) -> float | None:
    """Seconds until an exhausted X-RateLimit budget (GitHub style) resets, if it is."""
    if headers.get("x-ratelimit-remaining", "").strip() != "0":
        return None
    try:
        return max(0.0, float(headers["x-ratelimit-reset"]) - time.time())
    except (KeyError, ValueError):
        return None


def _raise_for_status(status: int, headers: dict[str, str], url: str) -> None:
    if 200 <= status < 300:
        return
    limited = _rate_limit_reset(headers)
    if status == 429 or (status == 403 and limited is not None):
        wait = _retry_after(headers.get("retry-after"))
        raise FetchError(
            "rate_limited",
            f"{url} answered that we are sending too many requests (HTTP {status}).",
            retry_after=wait if wait is not None else limited,
            status=status,
        )
    if status == 404:
        raise FetchError("not_found", f"{url} was not found (HTTP 404).", status=status)
    if status == 410:
        raise FetchError("gone", f"{url} has been removed (HTTP 410).", status=status)
    if status >= 500:
        raise FetchError(
            "server_error",
            f"The server for {url} had an error (HTTP {status}).",
            retry_after=_retry_after(headers.get("retry-after")),
            status=status,
        )
    raise FetchError("http_error", f"{url} answered HTTP {status}.", status=status)


_HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|script)[\s>/]", re.I
)
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_image(data: bytes) -> str:
    """The image media type the magic numbers say, or ''."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, media in _IMAGE_MAGIC:
        if data.startswith(magic):
            return media
    return ""


def _sniff(purpose: Purpose, body: bytes) -> str:
    """A media type for a body sent without one, or '' when it is not what we asked for."""
    if purpose == "image":
        return sniff_image(body)
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"\x00" in head or sniff_image(head):
        return ""
    if purpose == "html":
        return "text/html" if _HTML_MARKERS.search(head) else ""
    if head[:1] in (b"{", b"["):
        return "application/json"
    if head.startswith((b"<?xml", b"<feed", b"<rss", b"<rdf:RDF")):
        return "application/xml"
    if purpose == "feed" and _HTML_MARKERS.search(head):
        return "text/html"
    return ""


def _wrong_type(url: str, purpose: Purpose, declared: str) -> FetchError:
    wanted = {"html": "a web page", "api": "JSON or XML", "image": "an image", "feed": "a feed"}[
        purpose
    ]
    sent = declared or "something unrecognisable"
    return FetchError(
        "bad_content_type", f"Expected {wanted} at {url}, but the server sent {sent}."
    )


def _too_large(url: str, limit: int) -> FetchError:
    return FetchError("too_large", f"{url} is larger than the {limit // 1024} KB limit.")


def _read_body(response: BaseHTTPResponse, target: _Target, limit: int, deadline: _Deadline):
    """Read at most `limit` decoded bytes, refusing early when Content-Length says more."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(target.url, limit)
    encodings = response.headers.get("content-encoding", "").lower()
    for encoding in filter(None, (part.strip() for part in encodings.split(","))):
        if encoding != "identity" and encoding not in HTTPResponse.CONTENT_DECODERS:
            raise FetchError(
                "bad_content_type",
                f"{target.url} was sent with an unsupported encoding ({encoding}).",
            )
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK, decode_content=True):
        size += len(chunk)
        if size > limit:
            raise _too_large(target.url, limit)
        chunks.append(chunk)
        if deadline.expired:
            raise _timeout(target)
    # A close-delimited body also "ends" when the watchdog shuts the socket.
    if deadline.expired:
        raise _timeout(target)
    return b"".join(chunks)


# --- Public entry points ----------------------------------------------------------------


def _base_headers(purpose: Purpose) -> dict[str, str]:
    return {
        "User-Agent": settings.FETCH_USER_AGENT,
        "Accept": ACCEPT[purpose],
        "Accept-Language": ACCEPT_LANGUAGE,
        "Accept-Encoding": ACCEPT_ENCODING,
    }


def _merge(base: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    merged = dict(base)
    for name, value in extra.items():
        if name.lower() in ("host", "content-length", "transfer-encoding"):
            continue  # framing and routing stay ours
        for existing in [key for key in merged if key.lower() == name.lower()]:
            del merged[existing]
        merged[name] = value
    return merged


def _default_limit(purpose: Purpose) -> int:
    return settings.IMAGE_MAX_BYTES if purpose == "image" else settings.FETCH_MAX_BYTES


def fetch(
    url: str,
    *,
    purpose: Purpose = "html",
    headers: dict[str, str] | None = None,
    max_bytes: int | None = None,
) -> FetchResult:
    """GET `url` safely: checked addresses only, redirects re-checked, size and time capped.

    `headers` (e.g. an Authorization token) are sent only while the request stays on the
    origin of `url`. Raises FetchError; `.transient` says whether retrying may help.
    """
    if purpose not in CONTENT_TYPES:
        raise ValueError(f"unknown fetch purpose {purpose!r}")
    limit = max_bytes or _default_limit(purpose)
    budget = float(settings.FETCH_TOTAL_TIMEOUT)
    redirects: list[str] = []
    statuses: list[int] = []
    current = url.strip()
    origin: tuple[str, str, int] | None = None
    while True:
        target = _parse_url(current)
        origin = origin or target.origin
        addresses = _vet(target)
        politeness.wait_turn(target.host_key)
        extra = headers if (headers and target.origin == origin) else {}
        if budget <= 0:
            raise _timeout(target)
        started = time.monotonic()
        with _Exchange(target, addresses, budget) as exchange:
            try:
                response = exchange.send("GET", _merge(_base_headers(purpose), extra))
                location = _location(response) if response.status in REDIRECT_STATUSES else None
                if location is None:
                    result = _finish(target, response, purpose, limit, exchange.deadline, redirects)
                    result.redirect_statuses = statuses
                    return result
            except Exception as error:
                raise _translate(error, target, exchange.deadline) from error
        budget -= time.monotonic() - started
        if len(redirects) >= MAX_REDIRECTS:
            raise FetchError(
                "too_many_redirects",
                f"Gave up on {url}: more than {MAX_REDIRECTS} redirects.",
            )
        current = urljoin(target.url, location)
        redirects.append(current)
        statuses.append(response.status)


def _location(response: BaseHTTPResponse) -> str | None:
    location = (response.headers.get("location") or "").strip()
    if not location:
        return None
    try:
        # http.client decodes header bytes as Latin-1; servers send UTF-8 in practice.
        return location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return location


def _finish(
    target: _Target,
    response: BaseHTTPResponse,
    purpose: Purpose,
    limit: int,
    deadline: _Deadline,
    redirects: list[str],
) -> FetchResult:
    headers = _headers_of(response)
    politeness.note_response(target.host_key, response.status, headers)
    _raise_for_status(response.status, headers, target.url)
    declared, charset = _parse_content_type(headers.get("content-type", ""))
    generic = not declared or (purpose in ("image", "feed") and declared in _GENERIC_TYPES)
    if not generic and declared not in CONTENT_TYPES[purpose]:
        raise _wrong_type(target.url, purpose, declared)
    body = _read_body(response, target, limit, deadline)
    content_type = declared
    if purpose == "image" or generic:
        # Images are always judged by their bytes; a page without a type by a sniff.
        content_type = _sniff(purpose, body)
        if not content_type:
            raise _wrong_type(target.url, purpose, declared)
    return FetchResult(
        url=target.url,
        status=response.status,
        headers=headers,
        body=body,
        content_type=content_type,
        charset=charset,
        redirects=redirects,
    )


def post_json(url: str, payload: bytes, *, headers: dict[str, str], timeout: float = 10) -> int:
    """POST a JSON payload (outgoing webhooks) and return the HTTP status, whatever it is.

    Same address checks as fetch(); redirects are not followed (a 3xx is returned as is).
    Raises FetchError only when no HTTP answer was had (blocked, timeout, connection).
    """
    target = _parse_url(url)
    addresses = _vet(target)
    politeness.wait_turn(target.host_key)
    base = {
        "User-Agent": settings.FETCH_USER_AGENT,
        "Content-Type": "application/json",
        "Accept": "*/*",
    }
    budget = min(float(timeout), float(settings.FETCH_TOTAL_TIMEOUT))
    with _Exchange(target, addresses, budget) as exchange:
        try:
            response = exchange.send("POST", _merge(base, headers), body=payload)
            politeness.note_response(target.host_key, response.status, _headers_of(response))
            return response.status
        except Exception as error:
            raise _translate(error, target, exchange.deadline) from error


__all__ = [
    "FetchError",
    "FetchResult",
    "check_url_allowed",
    "fetch",
    "is_refused_address",
    "post_json",
]
