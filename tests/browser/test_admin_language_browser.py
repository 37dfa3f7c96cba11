"""An editor whose browser asks for Chinese gets a Chinese admin, and can switch to English."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.browser.checks import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url("**/admin/")


def test_editor_switches_the_admin_from_chinese_to_english(open_tab, axe_source) -> None:
    get_user_model().objects.create_superuser("eddie", "eddie@example.com", "pw-eddie-123")
    tab = open_tab(locale="zh-CN")
    page = tab.page
    log_in(page, "eddie", "pw-eddie-123")
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    assert page.locator("#site-name").inner_text() == "Briefroom 编辑部"

    assert axe_violations(page, axe_source, within=".language-switcher") == []
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换", exact=True).click()
    page.wait_for_load_state()

    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#site-name").inner_text() == "Briefroom newsroom"
    page.goto("/admin/articles/article/")
    assert page.get_by_role("heading", level=1).inner_text() == "Select article to change"
    assert tab.errors == []
