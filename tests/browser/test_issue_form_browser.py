"""Two editors on one issue's change form: the second save is shown back, never lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digest.models import Issue
from tests.browser.checks import axe_violations
from tests.browser.test_admin_language_browser import log_in
from tests.digest.test_archive_builders import make_issue
from tests.factories import editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep the screens this test sees, for looking at them.
SCREENS = os.environ.get("BRIEFROOM_SCREENSHOTS")


def save_title(tab, url: str, title: str) -> None:
    tab.page.goto(url)
    tab.page.fill("#id_title", title)


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_a_stale_save_shows_both_versions_and_reapplies(
    open_tab, axe_source, width, height
) -> None:
    issue = make_issue(publish=False)
    editor("eddie")
    editor("erin")
    first, second = open_tab(width, height, locale="zh-CN"), open_tab(width, height, locale="zh-CN")
    log_in(first.page, "eddie", "pw")
    log_in(second.page, "erin", "pw")
    url = f"/admin/digest/issue/{issue.pk}/change/"
    save_title(first, url, "第一位编辑的标题")
    save_title(second, url, "第二位编辑的标题")

    first.page.locator("input[name=_continue]").click()
    first.page.wait_for_load_state()
    second.page.locator("input[name=_continue]").click()
    second.page.wait_for_load_state()

    conflict = second.page.locator(".revision-conflict")
    assert conflict.is_visible()
    assert "第一位编辑的标题" in conflict.inner_text()
    assert "第二位编辑的标题" in conflict.inner_text()
    assert Issue.objects.get(pk=issue.pk).title == "第一位编辑的标题"
    assert second.page.input_value("#id_title") == "第二位编辑的标题"  # the typed edit is kept
    overflow = second.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    violations = axe_violations(second.page, axe_source, within=".revision-conflict")
    if SCREENS:
        Path(SCREENS).mkdir(parents=True, exist_ok=True)
        second.page.screenshot(path=f"{SCREENS}/issue-conflict-{width}.png", full_page=True)

    second.page.get_by_role("button", name="重新应用").click()
    second.page.wait_for_load_state()

    assert Issue.objects.get(pk=issue.pk).title == "第二位编辑的标题"
    assert overflow <= 0, f"the page is {overflow} px wider than the window"
    assert violations == []
    assert first.errors == [] and second.errors == []
