"""Markdown and scraped text become HTML that cannot run script or load unsafe URLs."""

from __future__ import annotations

import html5lib
import pytest

from digest.rendering import (
    escape_text,
    render_markdown,
    safe_image_url,
    safe_url,
    strip_control,
)

XSS_MARKDOWN = [
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](jav&#09;ascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](<\x01javascript:alert(1)>)",
    "[click](\x01javascript:alert(1))",
    "[click]( vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](https://example.com/a.png"onerror="alert(1))',
    "<javascript:alert(1)>",
    "[a](https://example.com/ 'x\" onmouseover=\"alert(1)')",
]


def elements(html: str) -> list:
    fragment = html5lib.parseFragment(html, namespaceHTMLElements=False)
    return list(fragment.iter())


def assert_inert(html: str) -> None:
    for element in elements(html):
        assert element.tag not in {"script", "svg", "iframe", "object", "style"}, html
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), html
            if name in ("href", "src"):
                assert value.lower().startswith(("https:", "http:", "mailto:")), html


@pytest.mark.parametrize("payload", XSS_MARKDOWN)
def test_markdown_payloads_render_inert(payload: str) -> None:
    assert_inert(render_markdown(payload))


def test_raw_html_in_markdown_is_shown_as_text() -> None:
    html = render_markdown("<img src=x onerror=alert(1)>")

    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav\tascript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        " \x00 javascript:alert(1)",
        "vbscript:x",
        "data:text/html,x",
        "//evil.example/x",
        "/relative",
    ],
)
def test_safe_url_refuses_what_a_browser_would_run_or_resolve(url: str) -> None:
    assert safe_url(url) == ""


def test_safe_url_keeps_web_and_mail_links() -> None:
    assert safe_url("https://arxiv.org/abs/2102.06171") == "https://arxiv.org/abs/2102.06171"
    assert safe_url("mailto:editor@example.com") == "mailto:editor@example.com"
    assert safe_image_url("mailto:editor@example.com") == ""


def test_links_get_noopener_noreferrer() -> None:
    html = render_markdown("[paper](https://arxiv.org/abs/2102.06171)")

    assert 'rel="noopener noreferrer"' in html


def test_unsafe_link_keeps_its_text_without_an_anchor() -> None:
    html = render_markdown("see [the demo](javascript:alert(1)) now")

    assert "the demo" in html
    assert "<a" not in html


def test_image_with_unsafe_source_becomes_its_alt_text() -> None:
    html = render_markdown("![a diagram](data:image/png;base64,AAAA)")

    assert "<img" not in html
    assert "a diagram" in html


def test_http_images_are_kept() -> None:
    html = render_markdown("![chart](https://example.com/chart.png)")

    assert '<img src="https://example.com/chart.png" alt="chart">' in html


def test_bare_urls_become_links_and_stop_before_chinese_text() -> None:
    html = render_markdown(
        "链接：https://pan.baidu.com/s/1K1D 提取码：w41p，见https://a.example/x。"
    )

    assert '<a href="https://pan.baidu.com/s/1K1D" rel="noopener noreferrer">' in html
    assert (
        '<a href="https://a.example/x" rel="noopener noreferrer">https://a.example/x</a>。' in html
    )


def test_summary_headings_sit_below_the_entry_title() -> None:
    html = render_markdown("# Part one\n\n## Details")

    assert "<h3>Part one</h3>" in html
    assert "<h4>Details</h4>" in html


def test_line_break_between_chinese_characters_adds_no_space() -> None:
    html = render_markdown("在开发板上\n使用机器学习\nand English\nwords")

    assert "在开发板上使用机器学习" in html
    assert "and English\nwords" in html


def test_tables_and_strikethrough_render_without_inline_styles() -> None:
    html = render_markdown("| a | b |\n|--:|---|\n| 1 | ~~2~~ |")

    assert "<table>" in html
    assert "<s>2</s>" in html
    assert "style=" not in html


def test_export_styles_are_applied_and_user_markup_cannot_add_its_own() -> None:
    html = render_markdown(
        'text <p style="position:fixed">x</p>',
        styles={"p": "margin:0 0 1em;color:#333;position:fixed"},
    )

    styles = [e.attrib["style"] for e in elements(html) if "style" in e.attrib]
    assert styles == ["margin:0 0 1em;color:#333"]
    assert "&lt;p style=" in html


def test_control_characters_are_removed() -> None:
    assert strip_control("a\x00b\x01c\x0bd\x1fe\x7ff\ufffeg\tok\n") == "abcdefg\tok\n"


def test_scraped_text_is_escaped_into_paragraphs() -> None:
    html = escape_text("<b>bold</b> & more\nsecond line\n\nnew <script>x</script>")

    assert html == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &amp; more<br>second line</p>\n"
        "<p>new &lt;script&gt;x&lt;/script&gt;</p>"
    )
