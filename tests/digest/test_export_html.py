"""The HTML export keeps its look pasted into the WeChat editor or an email client."""

from __future__ import annotations

import html5lib
import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from digest.exporters import export_issue
from digest.importer import issue_import_markdown
from tests.digest.test_archive_builders import _fresh_cache, make_issue  # noqa: F401

pytestmark = pytest.mark.django_db


def document(html: str):
    return html5lib.parse(html, namespaceHTMLElements=False)


def test_export_is_one_document_without_stylesheets_scripts_or_classes() -> None:
    issue = make_issue(entries=2, others=1)

    html = export_issue(issue, "html")

    html5lib.HTMLParser(strict=True).parse(html)
    tree = document(html)
    for tag in ("script", "style", "link", "iframe"):
        assert tree.findall(f".//{tag}") == [], tag
    assert [e.tag for e in tree.iter() if "class" in e.attrib] == []
    assert "display:flex" not in html.replace(" ", "") and "grid" not in html


def test_every_visible_block_carries_its_own_inline_style() -> None:
    issue = make_issue(entries=2, others=1)

    tree = document(export_issue(issue, "html"))

    styled = {"h1", "h2", "p", "ul", "ol", "li", "a", "img", "section", "table", "td"}
    unstyled = [e.tag for e in tree.iter() if e.tag in styled and not e.attrib.get("style")]
    assert unstyled == []


def test_export_reads_like_the_issue(settings) -> None:
    issue = make_issue(entries=2, others=1)
    main = list(issue.entries.filter(section="main").select_related("article__source"))
    other = issue.entries.get(section="others")

    html = export_issue(issue, "html")

    assert f"本期为 AI 简报 {issue.number} 期，将为您带来 2 条相关新闻" in html
    assert "本文一共" in html
    for number, entry in enumerate(main, start=1):
        assert f'>{number}.</span> <a href="{entry.article.canonical_url}"' in html
        assert entry.article.source.name in html
    assert "<strong" in html and "摘要</strong>" in html
    assert f">3.</span> {issue.digest.others_heading}" in html
    assert other.article.title in html
    assert f"{settings.SITE_URL}{issue.get_absolute_url()}" in html


def test_image_urls_are_absolute_for_stored_files(settings) -> None:
    settings.SITE_URL = "https://briefroom.example"
    issue = make_issue(entries=2, others=0)
    stored, origin = [e.article for e in issue.entries.order_by("position")]
    stored.image.save("lead.png", ContentFile(b"png"), save=False)
    stored.image_width, stored.image_height = 1360, 680
    stored.save()

    tree = document(export_issue(issue, "html"))

    sources = [img.attrib["src"] for img in tree.iter("img")]
    assert sources == [f"https://briefroom.example{stored.image.url}", origin.image_url]
    first = next(tree.iter("img"))
    assert (first.attrib["width"], first.attrib["height"]) == ("680", "340")
    for element in tree.iter("a"):
        assert element.attrib["href"].startswith(("https://", "http://", "mailto:"))


def test_export_cannot_carry_script_from_article_fields() -> None:
    issue = make_issue(entries=1, others=0)
    article = issue.entries.get().article
    article.title = "<script>alert(1)</script>"
    article.summary = "<img src=x onerror=alert(1)> [x](javascript:alert(2))"
    article.image_url = "javascript:alert(3)"
    article.save()

    tree = document(export_issue(issue, "html"))

    assert tree.findall(".//script") == []
    for element in tree.iter():
        assert not any(name.startswith("on") for name in element.attrib)
        assert "javascript:" not in element.attrib.get("href", "") + element.attrib.get("src", "")


def test_seed_issue_exports_every_entry(seed_path) -> None:
    issue = issue_import_markdown(text=seed_path.read_text(encoding="utf-8")).issue

    html = export_issue(issue, "html")

    assert "本文一共 2760 字，通篇阅读结束需要 6~10 分钟" in html
    assert html.count("<h2 ") == issue.entries.filter(section="main").count() + 1
    html5lib.HTMLParser(strict=True).parse(html)


def test_export_command_writes_the_html(capsys) -> None:
    issue = make_issue(entries=1, others=0)

    call_command("export_issue", str(issue.number), "--format", "html")

    assert "<!doctype html>" in capsys.readouterr().out


def test_admin_issue_page_offers_copy_as_rich_text(client) -> None:
    client.force_login(get_user_model().objects.create_superuser("admin", password="pw"))
    issue = make_issue()

    html = client.get(
        reverse("admin:digest_issue_change", args=[issue.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    export = reverse("admin:digest_issue_export", args=[issue.pk, "html"])
    assert f'href="{export}?inline=1" id="copy-rich-text"' in html
    assert "digest/copy-rich-text.js" in html
    assert "Download HTML" in html and "Download Markdown" in html and "Preview" in html
