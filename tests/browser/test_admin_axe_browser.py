"""axe-core on the admin's login page and its issue and article lists."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article
from tests.browser.checks import axe_violations
from tests.digest.test_archive_builders import make_issue
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_has_a_heading(open_tab, axe_source) -> None:
    tab = open_tab(width=1280, height=800, locale="zh-CN")
    tab.page.goto(reverse("admin:login"))
    assert tab.page.locator("h1").count() == 1
    assert axe_violations(tab.page, axe_source) == []


OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_issue_and_article_screens_pass_axe_and_fit_the_window(
    open_tab, axe_source, width, height
) -> None:
    issue = make_issue(entries=3, others=1, publish=False)
    ArticleFactory.create(title="待抓取的文章", fetch_state=Article.FetchState.PENDING)
    get_user_model().objects.create_superuser("chief", password="a long test password")
    tab = open_tab(width=width, height=height, locale="zh-CN")
    page = tab.page
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")
    screens = [
        reverse("admin:digest_issue_changelist"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:digest_issue_change", args=[issue.pk]),
    ]
    for url in screens:
        page.goto(url)
        found = axe_violations(page, axe_source)
        assert found == [], (url, found)
        assert page.evaluate(OVERFLOW) <= 0, f"{url} is wider than {width} px"
    assert tab.errors == []
