"""The issue workbench in a real headless Chromium: drag, keys, inline edits, conflicts, axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from digest import services
from digest.models import Entry, Issue
from sources.models import Source
from tests.browser.checks import axe_violations
from tests.factories import ArticleFactory, DigestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = [pytest.param((1280, 800), id="desktop"), pytest.param((390, 844), id="phone")]
ENTRIES = [
    "OpenAI 发布新一代推理模型，数学与代码能力大幅提升",
    "清华团队提出高效长上下文注意力机制，推理速度提升 3 倍",
    "Meta open-sources a 70B multilingual model with a permissive license",
]
CHROMIUM_409 = "Failed to load resource: the server responded with a status of 409 (Conflict)"
CANDIDATES = [
    "国产大模型在中文医学考试中首次超过人类平均水平",
    "Hugging Face releases an open dataset of 15 trillion web tokens",
]


@pytest.fixture
def issue() -> Issue:
    digest = DigestFactory.create()
    source = Source.objects.create(name="机器之心", kind="wechat")
    issue = services.issue_create(digest=digest, number=20260105)
    for n, title in enumerate(ENTRIES):
        article = ArticleFactory.create(
            title=title,
            source=source,
            summary="研究团队在多个基准上报告了**显著提升**，代码与模型权重已开源。",
            image_url=f"https://images.example/lead-{n}.jpg",
        )
        services.entry_add(issue=issue, article=article)
    for title in CANDIDATES:
        ArticleFactory.create(title=title, source=source, image_url="https://images.example/c.jpg")
    issue.refresh_from_db()
    return issue


def log_in(page) -> None:
    if not get_user_model().objects.filter(username="chief").exists():
        get_user_model().objects.create_superuser("chief", password="a long test password")
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")


def open_workbench(open_tab, issue: Issue, size: tuple[int, int]):
    tab = open_tab(width=size[0], height=size[1], locale="zh-CN")
    log_in(tab.page)
    tab.page.goto(reverse("admin:digest_issue_workbench", args=[issue.pk]))
    tab.page.wait_for_function("window.Sortable && window.htmx")
    return tab


def drag(page, source, target) -> None:
    """Press, move in small steps and release, as a hand on a mouse does."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + 10)
    page.mouse.down()
    target.scroll_into_view_if_needed()
    end = target.bounding_box()
    page.mouse.move(end["x"] + 40, end["y"] + 15, steps=20)
    page.mouse.move(end["x"] + 40, end["y"] + 10, steps=5)
    page.mouse.up()


def main_titles(issue: Issue) -> list[str]:
    entries = issue.entries.filter(section=Entry.Section.MAIN).order_by("position")
    return [e.title for e in entries]


def revision_of(page) -> int:
    return int(page.evaluate("document.querySelector('#wb-issue .wb-issue').dataset.revision"))


def saved(page, before: int) -> int:
    """Wait for the write to be answered: the pane then holds a newer revision."""
    page.wait_for_function(
        f"document.querySelector('#wb-issue .wb-issue').dataset.revision != '{before}'"
    )
    return revision_of(page)


@pytest.mark.parametrize("size", SIZES)
def test_editor_assembles_an_issue_on_the_workbench(open_tab, issue, axe_source, size) -> None:
    tab = open_workbench(open_tab, issue, size)
    page = tab.page
    revision = issue.revision

    # Drag a candidate onto the main list, before the second entry.
    candidate = page.locator(".wb-candidate", has_text=CANDIDATES[0])
    target = page.locator(".wb-card").nth(1)
    drag(page, candidate.locator(".wb-thumb"), target)
    revision = saved(page, revision)
    assert CANDIDATES[0] in main_titles(issue)
    expect(page.locator(".wb-candidate", has_text=CANDIDATES[0])).to_have_count(0)

    # Keyboard: Alt+↓ moves the first entry down, announced in words.
    first = page.locator(".wb-card").first
    first.focus()
    page.keyboard.press("Alt+ArrowDown")
    revision = saved(page, revision)
    assert main_titles(issue)[1] == ENTRIES[0]
    live = page.locator("#wb-live")
    assert "第 2 条" in live.inner_text() and ENTRIES[0] in live.inner_text()
    assert page.evaluate("document.activeElement.dataset.title") == ENTRIES[0]

    # Delete removes the focused entry.
    page.keyboard.press("Delete")
    revision = saved(page, revision)
    assert ENTRIES[0] not in main_titles(issue)
    assert "已移除" in live.inner_text()

    # An inline edit is saved when the field is left, and is there after a reload.
    card = page.locator(".wb-card").first
    card.locator("summary").click()
    card.locator("input[name=title_override]").fill("编辑改写的标题")
    card.locator("input[name=title_override]").press("Tab")
    revision = saved(page, revision)
    page.reload()
    page.wait_for_function("window.Sortable && window.htmx")
    assert (
        page.locator(".wb-card")
        .first.locator(".wb-entry-heading")
        .inner_text()
        .find("编辑改写的标题")
        >= 0
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size[0], f"the page scrolls sideways: {width}px"

    name = f"workbench-{size[0]}.png"
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / name, full_page=False)
    violations = axe_violations(page, axe_source)
    assert violations == []
    assert tab.errors == []


def test_a_second_page_sees_the_conflict_and_reapplies(open_tab, issue) -> None:
    one = open_workbench(open_tab, issue, (1280, 800))
    two = open_workbench(open_tab, issue, (1280, 800))
    revision = issue.revision

    # The first page moves an entry to “others” with Alt+→.
    one.page.locator(".wb-card").first.focus()
    one.page.keyboard.press("Alt+ArrowRight")
    saved(one.page, revision)
    assert "其他" in one.page.locator("#wb-live").inner_text()

    # The second page still holds the old revision: its edit is refused, nothing overwritten.
    card = two.page.locator(".wb-card").nth(1)
    card.locator("summary").click()
    card.locator("input[name=title_override]").fill("第二个编辑的标题")
    card.locator("input[name=title_override]").press("Tab")
    conflict = two.page.locator("#wb-conflict")
    conflict.wait_for(state="visible")
    assert "您的修改没有保存" in conflict.inner_text()
    assert "第二个编辑的标题" in conflict.inner_text()
    assert not Entry.objects.filter(title_override="第二个编辑的标题").exists()
    assert Entry.objects.filter(section=Entry.Section.OTHERS).count() == 1
    # The second page now shows the saved content: the entry in “others”.
    assert two.page.locator('.wb-entries[data-section="others"] .wb-card').count() == 1

    held = revision_of(two.page)
    conflict.locator(".wb-reapply").click()
    saved(two.page, held)
    assert conflict.is_hidden()
    assert Entry.objects.filter(title_override="第二个编辑的标题").count() == 1
    assert Entry.objects.filter(section=Entry.Section.OTHERS).count() == 1
    assert one.errors == []
    # Chromium itself logs every answer of 400 or more as a failed load; that line is the
    # 409 the page expected and handled. The page's own script logged nothing.
    assert two.errors == [CHROMIUM_409], two.errors


def test_pasted_urls_join_the_issue_once_fetched_and_failures_are_said(open_tab, issue) -> None:
    known = ArticleFactory.create(title="已抓取的文章", canonical_url="https://known.example/a")
    tab = open_workbench(open_tab, issue, (1280, 800))
    page = tab.page
    page.fill("#wb-urls", "https://known.example/a\nhttp://127.0.0.1:9/private")
    page.check("input[name=into][value=issue]")
    page.click("#wb-paste button[type=submit]")
    status = page.locator("#wb-paste-status")
    expect(status.locator(".wb-error")).to_contain_text("没有加入本期")
    expect(page.locator(".wb-card", has_text="已抓取的文章")).to_have_count(1)
    blocked = Article.objects.get(canonical_url__startswith="http://127.0.0.1:9/")
    assert blocked.fetch_state == Article.FetchState.FAILED
    assert issue.entries.filter(article=known).exists()
    assert not issue.entries.filter(article=blocked).exists()
    expect(status).to_contain_text("已在本期中")
    assert tab.errors == []


def test_workbench_html_is_valid(client, issue, vnu, tmp_path) -> None:
    from tests.browser.checks import vnu_messages

    login = tmp_path / "login.html"
    login.write_bytes(client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    client.force_login(get_user_model().objects.create_superuser("valid", password="pw"))
    page = tmp_path / "workbench.html"
    url = reverse("admin:digest_issue_workbench", args=[issue.pk])
    page.write_bytes(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    files = [login, page]
    found = vnu_messages(vnu, files)
    assert found == [], [(m["file"], m["message"], m.get("extract", "")) for m in found]


def test_the_intro_fills_its_placeholders_while_typed_and_saves_on_leaving(open_tab, issue) -> None:
    tab = open_workbench(open_tab, issue, (1280, 800))
    page = tab.page
    before = revision_of(page)
    page.locator(".wb-intro-edit summary").click()
    page.fill("#wb-intro-input", "本期 {digest} 第 {number} 期，共 {count} 条，")
    expect(page.locator("#wb-intro-text")).to_have_text("本期 AI 简报 第 20260105 期，共 3 条。")
    page.locator("#wb-intro-input").press("Tab")
    saved(page, before)
    issue.refresh_from_db()
    assert issue.intro == "本期 {digest} 第 {number} 期，共 {count} 条，"
    assert tab.errors == []


def test_alt_arrows_move_an_entry_to_others_and_back(open_tab, issue) -> None:
    tab = open_workbench(open_tab, issue, (390, 844))
    page = tab.page
    url = page.url
    revision = revision_of(page)
    page.locator(".wb-card").first.focus()
    page.keyboard.press("Alt+ArrowRight")
    revision = saved(page, revision)
    others = page.locator('.wb-entries[data-section="others"] .wb-card')
    expect(others).to_have_count(1)
    assert page.evaluate("document.activeElement.dataset.section") == "others"
    page.keyboard.press("Alt+ArrowLeft")
    saved(page, revision)
    expect(others).to_have_count(0)
    assert page.url == url  # Alt+← is not the browser's Back here
    assert main_titles(issue)[-1] == ENTRIES[0]
    assert "正文第 3 条" in page.locator("#wb-live").inner_text()
    assert tab.errors == []


def test_history_diff_restore_and_publish(open_tab, issue, axe_source) -> None:
    services.entry_add(issue=issue, article=ArticleFactory.create(title="没有图片的文章"))
    issue.refresh_from_db()
    first_revision = issue.revision
    tab = open_workbench(open_tab, issue, (1280, 800))
    page = tab.page
    revision = revision_of(page)
    page.locator(".wb-card").first.focus()
    page.keyboard.press("Delete")
    revision = saved(page, revision)

    page.get_by_role("button", name="历史版本").click()
    dialog = page.locator("#wb-history")
    expect(dialog.locator(".wb-revisions tbody tr")).to_have_count(revision)
    dialog.get_by_role("button", name="对比").click()
    removed = dialog.locator(".wb-diff-lines .wb-removed", has_text=ENTRIES[0])
    expect(removed.first).to_be_visible()
    assert axe_violations(page, axe_source) == []
    dialog.locator(f'.wb-restore[data-number="{first_revision}"]').click()
    revision = saved(page, revision)
    assert main_titles(issue) == [*ENTRIES, "没有图片的文章"]
    assert f"第 {first_revision} 版" in page.locator("#wb-live").inner_text()

    page.get_by_role("button", name="发布……").click()
    publish = page.locator("#wb-publish")
    expect(publish).to_contain_text("发布前请检查")
    expect(publish).to_contain_text("“没有图片的文章”没有配图")
    assert axe_violations(page, axe_source) == []
    publish.locator(".wb-publish").click()
    saved(page, revision)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED
    assert "已发布" in page.locator(".wb-status").inner_text()
    assert tab.errors == []


def tab_to(page, test: str, limit: int = 120) -> None:
    """Press Tab until the focused element passes `test` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {test}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def test_an_issue_is_built_from_candidates_with_the_keyboard_alone(open_tab, issue) -> None:
    tab = open_workbench(open_tab, issue, (1280, 800))
    page = tab.page
    revision = revision_of(page)
    wanted = CANDIDATES[1]

    # Tab to the candidate's "add to the main list" button and press Enter.
    tab_to(
        page,
        f"el.tagName === 'BUTTON' && el.closest('.wb-candidate')?.innerText.includes({wanted!r})"
        " && el.innerText.includes('正文')",
    )
    page.keyboard.press("Enter")
    revision = saved(page, revision)
    assert main_titles(issue)[-1] == wanted

    # Tab to its card, then Alt+↑ twice: it becomes the second entry.
    tab_to(page, f"el.dataset?.title === {wanted!r}")
    page.keyboard.press("Alt+ArrowUp")
    revision = saved(page, revision)
    page.keyboard.press("Alt+ArrowUp")
    revision = saved(page, revision)

    assert main_titles(issue) == [ENTRIES[0], wanted, ENTRIES[1], ENTRIES[2]]
    assert wanted in page.locator("#wb-live").inner_text()
    assert tab.errors == []
