"""Character sets: header, byte-order mark, <meta>, then detection; GB2312/GBK read as GB18030."""

from __future__ import annotations

import codecs

import pytest

from articles.extractors import decode_html, extract
from articles.extractors.decoding import detect_encoding, normalize_charset

# 镕 is in GBK but not in GB2312: pages labelled gb2312 use such characters all the time.
CHINESE = "人工智能周报：朱镕基谈教育，深度学习模型的新进展。" * 3


def _gbk_page(meta: str = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'):
    html = (
        f"<html><head>{meta}<title>人工智能周报</title></head><body><p>{CHINESE}</p></body></html>"
    )
    return html.encode("gbk")


def test_gbk_declared_only_in_meta_decodes_as_gb18030() -> None:
    body = _gbk_page()
    assert detect_encoding(body) == "gb18030"
    assert CHINESE in decode_html(body)


def test_gbk_meta_page_extracts_chinese_title() -> None:
    extracted = extract("https://news.example.cn/a/1.html", _gbk_page())
    assert extracted.title == "人工智能周报"
    assert extracted.body_text.startswith("人工智能周报：朱镕基")


def test_meta_charset_attribute_form() -> None:
    body = _gbk_page('<meta charset="GBK">')
    assert CHINESE in decode_html(body)


def test_header_charset_wins_over_meta() -> None:
    body = _gbk_page('<meta charset="utf-8">')
    assert CHINESE in decode_html(body, "text/html; charset=GBK")


def test_header_charset_for_a_page_without_meta() -> None:
    body = "<html><body><p>Новости искусственного интеллекта</p></body></html>".encode("cp1251")
    assert "Новости" in decode_html(body, "text/html; charset=windows-1251")


def test_latin1_header_on_utf8_bytes_is_read_as_utf8() -> None:
    body = "<html><body><p>naïve café — 深度学习</p></body></html>".encode()
    assert "naïve café — 深度学习" in decode_html(body, "text/html; charset=ISO-8859-1")


def test_latin1_header_on_latin1_bytes_is_kept() -> None:
    body = "<html><body><p>naïve café</p></body></html>".encode("latin-1")
    assert "naïve café" in decode_html(body, "text/html; charset=ISO-8859-1")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_mark_decides_and_is_removed(bom, codec) -> None:
    body = bom + "<html><body><p>深度学习</p></body></html>".encode(codec)
    text = decode_html(body, "text/html; charset=iso-8859-1")
    assert text.startswith("<html>")
    assert "深度学习" in text


def test_utf16_bom_page_extracts() -> None:
    html = '<html><head><meta property="og:title" content="模型发布"></head><body></body></html>'
    body = codecs.BOM_UTF16_LE + html.encode("utf-16-le")
    assert extract("https://example.com/x", body).title == "模型发布"


def test_undeclared_gbk_is_detected() -> None:
    body = _gbk_page(meta="")
    assert CHINESE in decode_html(body)


def test_undeclared_utf8_is_utf8() -> None:
    assert detect_encoding("<p>深度学习</p>".encode()) == "utf-8"


def test_meta_claiming_utf16_in_ascii_bytes_means_utf8() -> None:
    body = '<html><head><meta charset="utf-16"></head><body>深度</body></html>'.encode()
    assert "深度" in decode_html(body)


@pytest.mark.parametrize(
    ("label", "codec"),
    [("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("UTF8", "utf-8"),
     ("iso-8859-1", "cp1252"), ("big5", "big5hkscs"), ("no-such-charset", "")],
)  # fmt: skip
def test_charset_labels_map_to_codecs(label, codec) -> None:
    assert normalize_charset(label) == codec


def test_stale_gb2312_meta_on_a_utf8_page_is_read_as_utf8() -> None:
    html = '<html><head><meta charset="gb2312"></head><body><p>深度学习模型</p></body></html>'
    assert "深度学习模型" in decode_html(html.encode())
