"""WeChat official-account articles (mp.weixin.qq.com/s...).

The server renders most metadata twice: in meta tags (pages since ~2019) and in inline JS
variables (all pages). JS vars are read with one regex pass over the raw bytes; the DOM gives
the body. WeChat answers unavailable articles with HTTP 200 and a short message page, so those
are recognised by their wording and reported as NotAnArticle instead of scraped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from lxml.html import HtmlElement

from articles.canonical import WECHAT_HOST, canonicalize_url, wechat_biz

from .base import (
    Extracted,
    NotAnArticle,
    RelatedLinkData,
    clean_block_text,
    clean_text,
    unescape,
)
from .dates import SHANGHAI, from_timestamp, parse_datetime
from .lede import summary_of
from .links import ORIGINAL, canonical_link, collect_links, label_for, urls_in_text
from .page import Page, block_text

MAX_IMAGES = 50
Elements = dict[str, HtmlElement]

_VAR_NAMES = (
    "msg_title", "msg_desc", "msg_cdn_url", "msg_link", "msg_source_url", "nickname", "ct",
    "create_time", "publish_time", "cdn_url_1_1", "cdn_url_235_1", "biz", "appuin", "mid",
    "idx", "sn", "user_name", "round_head_img", "author", "_ori_article_type", "copyright_stat",
)  # fmt: skip
# `var name = <expr>;` where <expr> may hold quoted strings with ';' inside (e.g. "&amp;").
# No look-behind for the word boundary: it would stop the regex engine's fast literal scan
# for "var" (30x slower on a 750 KB page); _commented_out() checks the preceding byte instead.
_JS_VAR = re.compile(
    rb"var\s+(?P<name>" + "|".join(_VAR_NAMES).encode() + rb")\s*=\s*"
    rb"(?P<rhs>(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|[^;\n\"'])*)"
)
# Text and picture posts ("小绿书", item_show_type 10) have no js_content and no `var msg_*`:
# their data is an object literal, `window.cgiDataNew = {title: JsDecode('...'), ...}`.
_CGI_PROP = re.compile(
    rb"(?<![\w$])(?P<name>title|nick_name|desc|cdn_url|source_url|create_time|ori_create_time"
    rb"|author|user_name|round_head_img|content_noencode|ct)\s*[:=]\s*"
    rb"(?P<rhs>(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|[^,;\"'}])*)"
)
_CGI_NAMES = {
    "title": "msg_title", "nick_name": "nickname", "desc": "msg_desc", "cdn_url": "msg_cdn_url",
    "source_url": "msg_source_url", "create_time": "ct", "ori_create_time": "ct",
}  # fmt: skip
CGI_DATA_WINDOW = 400_000
_TAG = re.compile(r"<(/?)(\w+)[^>]*>")
_BLOCK_TAGS = frozenset({"p", "br", "div", "section", "li", "h1", "h2", "h3", "h4", "blockquote"})
_JS_STRING = re.compile(rb"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|.)", re.S)
_BARE_NUMBER = re.compile(rb"^\s*(-?\d+(?:\.\d+)?)\s*(?:\*\s*1\s*)?$")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}

# Wording of WeChat's "this article is unavailable" pages, checked in this order.
ERROR_PAGES = (
    ("deleted", ("该内容已被发布者删除", "此内容已被发布者删除", "内容已删除", "已自主注销")),
    (
        "violation",
        ("因违规无法查看", "涉嫌违反相关法律法规和政策", "涉嫌侵权", "已被屏蔽", "已被封禁"),
    ),
    ("verification", ("环境异常", "完成验证后即可继续访问", "去验证")),
    ("rate_limited", ("访问过于频繁",)),
    ("expired", ("链接已过期", "此链接已过期")),
    ("moved", ("该公众号已迁移",)),
    ("not_found", ("内容不存在", "参数错误")),
    ("blocked", ("请在微信客户端打开链接", "暂时无法查看", "已停止访问该网页")),
)
_MESSAGES = {
    "deleted": "The publisher has deleted this WeChat article.",
    "violation": "WeChat has removed this article for violating its rules.",
    "verification": "WeChat showed a verification wall (环境异常) instead of the article.",
    "rate_limited": "WeChat refused the request as too frequent (访问过于频繁); try again later.",
    "expired": "This WeChat link has expired (链接已过期); paste the article's permanent link.",
    "moved": "The WeChat account has moved; the article is no longer at this address.",
    "not_found": "WeChat says this article does not exist.",
    "blocked": "WeChat shows this article only inside its app, or not at the moment.",
}
_REAL_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
_NOT_AUTHOR = frozenset({"原创", "转载", "Original"})


def js_vars(body: bytes, encoding: str = "utf-8") -> dict[str, str]:
    """The first non-empty value of each known `var` assignment, commented-out lines skipped."""
    values: dict[str, str] = {}
    for match in _JS_VAR.finditer(body):
        name = match["name"].decode()
        if (
            name in values
            or _inside_word(body, match.start())
            or _commented_out(body, match.start())
        ):
            continue
        value = js_value(match["rhs"], encoding)
        if value:
            values[name] = value
    return values


def cgi_data_vars(body: bytes, encoding: str = "utf-8") -> dict[str, str]:
    """Values from `window.cgiDataNew = {...}` (and `window.ct`), named like the JS vars."""
    start = body.find(b"cgiDataNew")
    if start < 0:
        return {}
    window = body[max(0, start - 2000) : start + CGI_DATA_WINDOW]
    values: dict[str, str] = {}
    for match in _CGI_PROP.finditer(window):
        name = match["name"].decode()
        name = _CGI_NAMES.get(name, name)
        if name not in values:
            value = js_value(match["rhs"], encoding)
            if value:
                values[name] = value
    return values


def html_fragment_text(fragment: str) -> str:
    """Plain text of a small HTML string (a text post's content), one line per block."""
    text = _TAG.sub(lambda m: "\n" if m[2].lower() in _BLOCK_TAGS else "", fragment)
    return clean_block_text(unescape(text))


def _inside_word(body: bytes, start: int) -> bool:
    """`myvar x = ...` or `o.var x`: not a declaration of x."""
    return start > 0 and (body[start - 1 : start].isalnum() or body[start - 1] in b"_$.")


def _commented_out(body: bytes, start: int) -> bool:
    line_start = body.rfind(b"\n", 0, start) + 1
    return body[line_start:start].lstrip().startswith(b"//")


def js_value(rhs: bytes, encoding: str = "utf-8") -> str:
    """The value of a JS expression as WeChat writes them: `"" || "x"`, `'x'.html(false)`,
    `htmlDecode("x")`, `"123" * 1`; entities and JS escapes (\\x26) are undone."""
    for match in _JS_STRING.finditer(rhs):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        if raw:
            return unescape(js_unescape(raw.decode(encoding, errors="replace"))).strip()
    bare = _BARE_NUMBER.match(rhs)
    return bare[1].decode("ascii") if bare else ""


def js_unescape(text: str) -> str:
    """Undo backslash escapes of a JS string literal."""
    if "\\" not in text:
        return text
    return _JS_ESCAPE.sub(_unescape_one, text)


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "xu" and len(code) > 1:
        try:
            return chr(int(code[1:].strip("{}"), 16))
        except ValueError:
            return code
    return _SIMPLE_ESCAPES.get(code, code)


def error_code(page: Page) -> str:
    """The kind of WeChat message page this is, judged by its visible text, or ''."""
    text = "".join(
        page.root.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    )
    text += page.title_tag
    for code, phrases in ERROR_PAGES:
        if any(phrase in text for phrase in phrases):
            return code
    return ""


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query.replace("&amp;", "&")))


def _permanent_link(url: str) -> str:
    """The canonical form of a declared WeChat link if it names the article for good."""
    if not url:
        return ""
    try:
        canonical = canonicalize_url(url)
    except ValueError:
        return ""
    parts = urlsplit(canonical)
    if parts.hostname != WECHAT_HOST:
        return ""
    query = _query(canonical)
    permanent = all(query.get(k) for k in ("__biz", "mid", "idx", "sn"))
    return canonical if permanent or parts.path.startswith("/s/") else ""


def _author(page: Page, values: dict[str, str], found: Elements, nickname: str) -> str:
    author = page.first_meta("author", "og:article:author", "article:author")
    author = author or clean_text(values.get("author"))
    if not author and "js_author_name" in found:
        author = clean_text(found["js_author_name"].text_content())
    if not author and "meta_content" in found:
        # Older pages: the author is an un-id'd <em class="rich_media_meta_text"> in the byline.
        for element in found["meta_content"].iter("em", "span"):
            if element.get("id") or "rich_media_meta_text" not in (element.get("class") or ""):
                continue
            text = clean_text(element.text_content())
            if text not in (nickname, "", *_NOT_AUTHOR) and not _REAL_DATE.search(text):
                author = text
                break
    return author if author != nickname else ""


def _published(values: dict[str, str], found: Elements) -> datetime | None:
    for name in ("ct", "create_time"):
        stamp = values.get(name, "")
        result = from_timestamp(stamp, SHANGHAI) if stamp.isdigit() else None
        if result:
            return result
    candidates = [values.get("publish_time", "")]
    # The byline date is often empty (filled by JS) or relative ("昨天"): only real dates count.
    candidates += [
        clean_text(found[k].text_content()) for k in ("publish_time", "post-date") if k in found
    ]
    for text in candidates:
        result = parse_datetime(text, SHANGHAI) if _REAL_DATE.search(text) else None
        if result:
            return result
    return None


def _title(page: Page, values: dict[str, str], found: Elements) -> str:
    title = page.first_meta("og:title") or clean_text(values.get("msg_title"))
    if not title and "activity-name" in found:
        title = clean_text(found["activity-name"].text_content())
    return title or page.first_meta("twitter:title")


def _account_name(values: dict[str, str], found: Elements) -> str:
    # Not og:site_name: on WeChat that is the platform ("微信公众平台"), not the account.
    name = clean_text(values.get("nickname"))
    for key in ("js_name", "post-user"):
        if not name and key in found:
            name = clean_text(found[key].text_content())
    return name


@dataclass
class _Body:
    text: str = ""
    images: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    anchors: list[tuple[str, str]] = field(default_factory=list)


def _read_body(page: Page, content: HtmlElement) -> _Body:
    body = _Body()
    # Images are lazy-loaded: the real address is in data-src, src is a placeholder.
    for img in content.iter("img"):
        src = page.absolute(img.get("data-src") or img.get("src"))
        if src and len(body.images) < MAX_IMAGES:
            body.images.append(src)
    for frame in content.iter("iframe"):
        src = page.absolute(frame.get("data-src") or frame.get("src"))
        if src:
            body.videos.append(src)
    for anchor in content.iter("a"):
        href = anchor.get("href")
        if href:
            body.anchors.append((href, anchor.text_content() + " " + _text_before(anchor)))
    body.text = block_text(content)  # last: it marks up the tree
    return body


def _related_links(
    values: dict[str, str], body: _Body, exclude: list[str]
) -> list[RelatedLinkData]:
    source_url = values.get("msg_source_url", "")
    source_label = label_for(source_url) if source_url else ""
    # "阅读原文" (read the original) first, then URLs pasted as text (WeChat rarely hyperlinks
    # outside its own domain), then real hyperlinks.
    links = collect_links([(source_url, "")], source="metadata") if source_label else []
    unlabelled_source = source_url if source_url and not source_label else ""
    links += collect_links(
        urls_in_text(body.text) + body.anchors,
        exclude=[*exclude, unlabelled_source, *(link.url for link in links)],
    )
    if unlabelled_source:
        # "阅读原文": the house style calls the original 原文链接.
        source = RelatedLinkData(ORIGINAL, canonical_link(source_url) or source_url, "metadata")
        links.insert(0, source)
    return links


def extract_wechat(url: str, body: bytes, content_type: str = "") -> Extracted:
    page = Page(url, body, content_type)
    values = js_vars(body, page.encoding)
    if "msg_title" not in values or "ct" not in values:
        values = {**cgi_data_vars(body, page.encoding), **values}
    found = page.by_ids(
        "js_content", "activity-name", "js_name", "post-user", "publish_time", "post-date",
        "meta_content", "js_author_name",
    )  # fmt: skip
    title = _title(page, values, found)
    content = found.get("js_content")
    if not title or content is None:
        # Message pages ("deleted", "expired", walls) have no article body; judge their text.
        code = error_code(page)
        if code:
            raise NotAnArticle(code, _MESSAGES[code])
    if not title:
        raise NotAnArticle("empty", "The WeChat page has no article title: not an article page.")

    declared = values.get("msg_link") or page.first_meta("og:url")
    canonical = _permanent_link(declared)
    identity = _query(declared) if declared else {}
    biz = identity.get("__biz") or wechat_biz(url) or values.get("biz") or values.get("appuin", "")
    nickname = _account_name(values, found)
    if content is not None:
        parts = _read_body(page, content)
    else:
        parts = _Body(text=html_fragment_text(values.get("content_noencode", "")))
    description = clean_text(values.get("msg_desc")) or page.first_meta(
        "og:description", "description"
    )
    image = (
        values.get("msg_cdn_url")
        or page.first_meta("og:image", "twitter:image")
        or values.get("cdn_url_235_1")
        or values.get("cdn_url_1_1")
        or (parts.images[0] if parts.images else "")
    )
    metadata = {
        "biz": biz,
        "mid": identity.get("mid") or values.get("mid", ""),
        "idx": identity.get("idx") or values.get("idx", ""),
        "sn": identity.get("sn") or values.get("sn", ""),
        "user_name": values.get("user_name", ""),
        "account_avatar": values.get("round_head_img", ""),
        "cover_1_1": values.get("cdn_url_1_1", ""),
        "cover_235_1": values.get("cdn_url_235_1", ""),
        "source_url": values.get("msg_source_url", ""),
        "original": values.get("copyright_stat") == "1",
        "images": parts.images,
        "videos": parts.videos,
    }
    return Extracted(
        kind="wechat",
        title=title,
        publication=nickname,
        author=_author(page, values, found, nickname),
        description=description,
        summary=summary_of(parts.text, description, title=title),
        image_url=page.absolute(image),
        published_at=_published(values, found),
        related_links=_related_links(values, parts, exclude=[url, canonical]),
        metadata=metadata,
        canonical_url=canonical,
        source_key=biz,
        body_text=parts.text,
    )


def _text_before(element: HtmlElement) -> str:
    """Text right before an element in its parent: where "论文地址：" labels sit."""
    previous = element.getprevious()
    if previous is not None:
        return (previous.tail or "")[-24:]
    parent = element.getparent()
    return (parent.text or "")[-24:] if parent is not None else ""
