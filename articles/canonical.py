"""Canonical URLs: one spelling per article, so pasting a variant finds the existing one.

Pure functions, no I/O. Private per-reader parameters that WeChat appends to shared
links (session keys, tickets, user ids) are removed here and must never be stored.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

ArticleKind = Literal["wechat", "arxiv", "github", "web"]

WECHAT_HOST = "mp.weixin.qq.com"
WECHAT_IDENTITY_PARAMS = ("__biz", "mid", "idx", "sn")
# Per-reader tokens WeChat adds to a link copied from its client: private, never stored.
WECHAT_PRIVATE_PARAMS = frozenset(
    {
        "key", "pass_ticket", "uin", "exportkey", "sessionid", "devicetype", "version",
        "lang", "ascene", "wx_header", "acctmode", "clicktime", "enterid", "nettype",
        "abtest_cookie", "countrycode", "sharer_sharetime", "sharer_shareid", "srcid",
        "mpshare", "scene", "subscene", "from", "isappinstalled", "realreporttime",
        "chksm", "rd2werd", "poc_token", "fontgear", "cur_album_id", "vid", "a8scene",
    }
)  # fmt: skip
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid",
        "igshid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url", "spm", "share_token",
        "si", "trk", "vero_id", "wickedid", "oly_enc_id", "oly_anon_id", "rb_clickid",
        "s_cid", "ncid", "cmpid",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "hmsr", "pk_", "mtm_")

ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})

_ARXIV_NEW_ID = r"\d{4}\.\d{4,5}"
# Old-style ids: archive/YYMMNNN, sometimes written with the subject class (math.GT/0309136).
_ARXIV_OLD_ID = r"[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7}"
_ARXIV_PATH = re.compile(
    rf"^/(?:abs|pdf|html|format|ps|src)/(?P<id>{_ARXIV_NEW_ID}|{_ARXIV_OLD_ID})"
    r"(?P<version>v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_ARXIV_BARE_ID = re.compile(
    rf"^(?:arxiv:)?(?P<id>{_ARXIV_NEW_ID}|{_ARXIV_OLD_ID})(?P<version>v\d+)?$", re.IGNORECASE
)
_GITHUB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*)$")
_GITHUB_RESERVED_OWNERS = frozenset(
    {"about", "features", "pricing", "orgs", "settings", "marketplace", "topics", "explore",
     "login", "join", "sponsors", "notifications", "search", "trending", "collections", "apps",
     "users", "enterprise", "customer-stories", "organizations", "site", "security", "contact",
     "readme", "team", "codespaces", "education", "resources", "solutions", "events", "new",
     "account", "dashboard", "issues", "pulls", "signup", "logout", "session", "customer"}
)  # fmt: skip


_HOST = re.compile(r"^(?:[\w\-]+(?:\.[\w\-]+)*|[0-9a-f:.]+)$")


class InvalidURL(ValueError):
    """The text is not an http(s) URL an article can be made from."""


def _split(url: str):
    text = url.strip()
    if not text:
        raise InvalidURL("empty URL")
    if any(ch in text for ch in "\r\n\t\x00"):
        raise InvalidURL("URL contains control characters")
    if "://" not in text and not text.startswith("//"):
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise InvalidURL(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURL(f"only http and https URLs are supported, not {scheme or 'none'}")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise InvalidURL("URL has no host")
    if not _HOST.match(host):
        raise InvalidURL(f"{host[:60]!r} is not a valid host name")
    try:
        port = parts.port
    except ValueError:
        raise InvalidURL("URL has an invalid port") from None
    if parts.username or parts.password:
        raise InvalidURL("URLs with a user name or password are not accepted")
    return scheme, host, port, parts


def _netloc(scheme: str, host: str, port: int | None) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return host
    return f"{host}:{port}"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _query_pairs(query: str) -> list[tuple[str, str]]:
    # WeChat links are often copied from HTML with &amp; left in them.
    query = query.replace("&amp;", "&")
    return parse_qsl(query, keep_blank_values=True)


def arxiv_id_from_url(url: str) -> tuple[str, str] | None:
    """The arXiv identifier and version ('' if none) of any arXiv URL form or bare id."""
    match = _ARXIV_BARE_ID.match(url.strip())
    if match is None:
        try:
            _, host, _, parts = _split(url)
        except InvalidURL:
            return None
        if host not in ARXIV_HOSTS:
            return None
        match = _ARXIV_PATH.match(unquote(parts.path))
        if not match:
            return None
    return _arxiv_id(match["id"]), (match["version"] or "").lower()


def _arxiv_id(raw: str) -> str:
    """New ids as they are; old ones without the subject class (math.GT/x is math/x)."""
    if "/" not in raw:
        return raw
    archive, number = raw.split("/", 1)
    return f"{archive.split('.', 1)[0].lower()}/{number}"


def github_repo_from_url(url: str) -> tuple[str, str, str] | None:
    """Owner, repository and the rest of the path ('' for the root) of a GitHub URL, or None."""
    try:
        _, host, _, parts = _split(url)
    except InvalidURL:
        return None
    if host not in GITHUB_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None
    owner, repo = segments[0], segments[1]
    if repo.endswith(".git"):
        repo = repo[:-4]
    if owner.lower() in _GITHUB_RESERVED_OWNERS:
        return None
    if not (_GITHUB_NAME.match(owner) and _GITHUB_NAME.match(repo)):
        return None
    return owner, repo, "/".join(segments[2:])


def wechat_biz(url: str) -> str:
    """The account id (`__biz`) in a WeChat article URL, or ''."""
    try:
        _, host, _, parts = _split(url)
    except InvalidURL:
        return ""
    if host != WECHAT_HOST:
        return ""
    return dict(_query_pairs(parts.query)).get("__biz", "")


def kind_for_url(url: str) -> ArticleKind:
    try:
        _, host, _, _ = _split(url)
    except InvalidURL:
        return "web"
    if host == WECHAT_HOST:
        return "wechat"
    if arxiv_id_from_url(url):
        return "arxiv"
    if github_repo_from_url(url):
        return "github"
    return "web"


def canonicalize_url(url: str) -> str:
    """The one spelling of a URL under which its article is stored.

    Lower-cases scheme and host, drops the default port, fragment and tracking
    parameters; WeChat links keep only `__biz`, `mid`, `idx`, `sn` (or, for temporary
    links without them, everything that is not private); arXiv URLs become
    `https://arxiv.org/abs/<id>`; GitHub URLs keep owner, repository and path.
    """
    scheme, host, port, parts = _split(url)
    if host == WECHAT_HOST:
        return _canonical_wechat(parts)
    arxiv = arxiv_id_from_url(url)
    if arxiv:
        return f"https://arxiv.org/abs/{arxiv[0]}"
    github = github_repo_from_url(url)
    if github:
        owner, repo, rest = github
        path = f"/{owner}/{repo}" + (f"/{rest}" if rest else "")
        return f"https://github.com{quote(unquote(path), safe='/:@!$&()*+,;=-._~')}"
    pairs = [(k, v) for k, v in _query_pairs(parts.query) if not _is_tracking(k)]
    path = parts.path or "/"
    return urlunsplit((scheme, _netloc(scheme, host, port), path, urlencode(pairs), ""))


def _canonical_wechat(parts) -> str:
    pairs = _query_pairs(parts.query)
    values = dict(pairs)
    if all(values.get(name) for name in ("__biz", "mid", "idx", "sn")):
        query = urlencode([(name, values[name]) for name in WECHAT_IDENTITY_PARAMS], safe="=")
        return f"https://{WECHAT_HOST}/s?{query}"
    kept = [
        (k, v) for k, v in pairs if k.lower() not in WECHAT_PRIVATE_PARAMS and not _is_tracking(k)
    ]
    path = parts.path.rstrip("/") or "/s"
    return urlunsplit(("https", WECHAT_HOST, path, urlencode(kept, safe="="), ""))


def redact_url(url: str) -> str:
    """The URL as pasted, minus anything private; safe to store and show."""
    scheme, host, port, parts = _split(url)
    if host != WECHAT_HOST:
        return urlunsplit((scheme, _netloc(scheme, host, port), parts.path or "/", parts.query, ""))
    kept = [(k, v) for k, v in _query_pairs(parts.query) if k.lower() not in WECHAT_PRIVATE_PARAMS]
    return urlunsplit(("https", WECHAT_HOST, parts.path or "/s", urlencode(kept, safe="="), ""))
