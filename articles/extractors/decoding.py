"""Turn response bytes into text in the right character set, and into one lxml tree.

Order of evidence: a byte-order mark, the HTTP Content-Type charset, a <meta charset> or
<meta http-equiv> (or XML declaration) near the top, then detection. A BOM goes first, as in
browsers (WHATWG "encoding sniffing"): it is in the bytes themselves and cannot be stale.
One exception to trusting a label: bytes that are valid multi-byte UTF-8 are read as UTF-8
whatever legacy charset the header or meta names.
"""

from __future__ import annotations

import codecs
import re
import threading

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree

from .base import NotAnArticle

HEAD_SCAN_BYTES = 64 * 1024
DETECT_SAMPLE_BYTES = 256 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([^\s;\"',]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)")

# Labels browsers treat as a larger superset: pages that say gb2312 routinely use GBK
# characters, and GB18030 decodes all of them (WHATWG maps these labels the same way).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-sjis": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}


def normalize_charset(label: str) -> str:
    """The Python codec for a charset label, widened to the superset browsers use; '' if unknown."""
    label = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _bom(body: bytes) -> tuple[str, int]:
    for mark, name in _BOMS:
        if body.startswith(mark):
            return name, len(mark)
    return "", 0


def _declared_in_document(body: bytes) -> str:
    head = body[:HEAD_SCAN_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not match:
        return ""
    name = normalize_charset(match[1].decode("ascii", "replace"))
    # A page cannot declare UTF-16 in a meta tag it was able to write in ASCII.
    return "utf-8" if name.startswith("utf-16") else name


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(body: bytes) -> str:
    if _is_utf8(body):
        return "utf-8"
    best = from_bytes(body[:DETECT_SAMPLE_BYTES]).best()
    return normalize_charset(best.encoding) if best else "utf-8"


def detect_encoding(body: bytes, content_type: str = "") -> str:
    """The Python codec name to decode this response with."""
    name, _ = _bom(body)
    if name:
        return name
    header = _HEADER_CHARSET.search(content_type or "")
    declared = (normalize_charset(header[1]) if header else "") or _declared_in_document(body)
    if not declared:
        return _detect(body)
    if declared != "utf-8" and not declared.startswith("utf-") and _is_multibyte_utf8(body):
        # A stale label: servers default to ISO-8859-1, and sites moved to UTF-8 keep their old
        # gb2312 meta. Valid multi-byte UTF-8 practically never comes from a legacy encoding.
        return "utf-8"
    return declared


def _is_multibyte_utf8(body: bytes) -> bool:
    return not body.isascii() and _is_utf8(body)


def decode_html(body: bytes, content_type: str = "") -> str:
    """The text of an HTML (or XML) response, decoded with the right charset."""
    name = detect_encoding(body, content_type)
    _, skip = _bom(body)
    return body[skip:].decode(name or "utf-8", errors="replace")


_local = threading.local()


def _utf8_parser() -> lxml.html.HTMLParser:
    # lxml parsers must not be shared between threads; one per thread is cheap.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    return parser


def parse_html(body: bytes, content_type: str = "") -> tuple[lxml.html.HtmlElement, str]:
    """One lxml tree of the page (always fed UTF-8 bytes) and the charset it was read with."""
    name = detect_encoding(body, content_type)
    _, skip = _bom(body)
    if name == "utf-8":
        data = body[skip:] if skip else body
    else:
        # Transcode in Python: its codecs replace bad bytes, where libxml2's iconv may stop.
        data = body[skip:].decode(name, errors="replace").encode("utf-8")
    try:
        root = lxml.html.document_fromstring(data, parser=_utf8_parser())
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle("empty", "The page is empty.") from exc
    return root, name
