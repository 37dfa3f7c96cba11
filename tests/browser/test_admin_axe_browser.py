"""axe-core on the admin's login page and its issue and article lists."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article
from tests.browser.checks import axe_violations
from tests.factories import ArticleFactory, IssueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_has_a_heading(open_tab, axe_source) -> None:
    tab = open_tab(width=1280, height=800, locale="zh-CN")
    tab.page.goto(reverse("admin:login"))
    assert tab.page.locator("h1").count() == 1
    assert axe_violations(tab.page, axe_source) == []


def test_issue_and_article_lists_pass_axe(open_tab, axe_source) -> None:
    IssueFactory.create(title="草稿一期")
    ArticleFactory.create(title="待抓取的文章", fetch_state=Article.FetchState.PENDING)
    get_user_model().objects.create_superuser("chief", password="a long test password")
    tab = open_tab(width=1280, height=800, locale="zh-CN")
    page = tab.page
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")
    for name in ("admin:digest_issue_changelist", "admin:articles_article_changelist"):
        page.goto(reverse(name))
        assert axe_violations(page, axe_source) == [], name
    assert tab.errors == []
