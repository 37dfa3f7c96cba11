"""A reader and an editor in real headless Chromium: navigation, search, accessibility,
valid HTML, the phone layout and the admin's "Copy as rich text"."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article
from digest.demo import load_demo
from digest.exporters import export_issue
from digest.importer import issue_import_markdown
from digest.models import Issue
from tests.browser.checks import axe_violations, vnu_messages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")
COUPLET = "明年，我要用 AI 给全村写对联"


@dataclass
class Archive:
    seed: Issue
    demo: Issue
    couplet: Article

    def pages(self) -> dict[str, str]:
        source = self.couplet.source
        return {
            "home": "/",
            "archive": reverse("archive:archive"),
            "issue": self.seed.get_absolute_url(),
            "demo-issue": self.demo.get_absolute_url(),
            "digest": reverse("archive:digest", args=[self.seed.digest.slug]),
            "search": reverse("archive:search") + "?q=对联",
            "tag": reverse("archive:tag", args=["论文"]),
            "source": reverse("archive:source", args=[source.slug]),
        }


@pytest.fixture
def archive(seed_path) -> Archive:
    """The demo issue and the real seed issue, published in one digest."""
    demo = load_demo()
    seed = issue_import_markdown(text=seed_path.read_text(encoding="utf-8")).issue
    return Archive(seed=seed, demo=demo, couplet=Article.objects.get(title=COUPLET))


def test_reader_goes_from_home_to_an_issue_and_through_its_contents(open_tab, archive) -> None:
    tab = open_tab()
    page = tab.page
    page.goto("/")

    page.get_by_role("link", name=archive.seed.display_title).first.click()
    page.wait_for_url(f"**{archive.seed.get_absolute_url()}")
    contents = page.get_by_role("navigation", name="目录")
    contents.get_by_role("link", name=COUPLET).click()

    anchor = archive.seed.entries.get(article=archive.couplet).anchor
    page.wait_for_url(f"**#{anchor}")
    heading = page.locator(f"#{anchor} h2")
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 900
    assert page.locator(f"#{anchor} h2 a").get_attribute("href").startswith("https://mp.weixin")
    page.get_by_role("link", name="下一期").click()
    page.wait_for_url(f"**{archive.demo.get_absolute_url()}")
    assert tab.errors == []


def test_keyboard_user_can_skip_straight_to_the_content(open_tab, archive) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(archive.seed.get_absolute_url())

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")

    assert focused == "跳到正文"
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert tab.errors == []


def test_reader_searches_in_chinese_and_lands_on_the_entry(open_tab, archive) -> None:
    tab = open_tab(width=390, height=844)
    page = tab.page
    page.goto("/")

    page.get_by_role("searchbox", name="搜索文章与期刊").fill("对联")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator(".article-list")
    assert COUPLET in results.inner_text()
    results.get_by_role("link", name=archive.seed.display_title).click()

    anchor = archive.seed.entries.get(article=archive.couplet).anchor
    page.wait_for_url(f"**{archive.seed.get_absolute_url()}#{anchor}")
    assert tab.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_accessibility_violations(open_tab, archive, axe_source, scheme) -> None:
    tab = open_tab(color_scheme=scheme)
    found = {}
    for name, url in archive.pages().items():
        tab.page.goto(url)
        found[name] = axe_violations(tab.page, axe_source)

    assert {name: v for name, v in found.items() if v} == {}
    assert tab.errors == []


def test_pages_and_export_pass_the_nu_html_checker(
    client, archive, vnu, tmp_path, live_server
) -> None:
    files = []
    for name, url in archive.pages().items():
        response = client.get(url)
        assert response.status_code == 200, url
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    export = tmp_path / "export.html"
    export.write_text(export_issue(archive.seed, "html"), encoding="utf-8")

    messages = vnu_messages(vnu, [*files, export])

    pages = [(m["file"], m["type"], m["message"]) for m in messages if m["file"] != export.name]
    assert pages == []
    # The export keeps table attributes Outlook needs: warnings, never errors.
    assert [
        m["message"] for m in messages if m["file"] == export.name and m["type"] == "error"
    ] == []


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 390, 844)]
)
def test_issue_page_fits_desktop_and_phone_screens(
    open_tab, archive, device, width, height
) -> None:
    tab = open_tab(width=width, height=height)
    page = tab.page
    page.goto(archive.seed.get_absolute_url())

    page.screenshot(path=SCREENSHOTS / f"briefroom-issue-{device}.png")
    page.screenshot(path=SCREENSHOTS / f"briefroom-issue-{device}-full.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=SCREENSHOTS / f"briefroom-issue-{device}-dark.png")
    page.emulate_media(color_scheme="light")
    page.goto("/")
    page.screenshot(path=SCREENSHOTS / f"briefroom-home-{device}.png", full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_size >= 16
    assert tab.errors == []


def test_editor_copies_an_issue_as_rich_text(open_tab, archive, live_server) -> None:
    get_user_model().objects.create_superuser("chief", password="a long test password")
    tab = open_tab(permissions=["clipboard-read", "clipboard-write"])
    page = tab.page
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")
    page.goto(reverse("admin:digest_issue_change", args=[archive.seed.pk]))

    page.get_by_role("button", name="Copy as rich text").click()
    page.wait_for_function(
        "document.getElementById('copy-rich-text-status').textContent.startsWith('Copied')"
    )
    html, text = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            return [await (await item.getType('text/html')).text(),
                    await (await item.getType('text/plain')).text()];
        }"""
    )

    assert COUPLET in html
    assert 'style="' in html
    assert "<table" not in html
    assert "<script" not in html
    assert text.startswith("[TOC]")
    assert tab.errors == []
