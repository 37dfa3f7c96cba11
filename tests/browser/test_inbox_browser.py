"""The admin inbox in a real headless Chromium: keyboard triage, screenshots, axe-core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from feeds.models import Feed, InboxItem
from sources.models import Source
from tests.browser.checks import axe_violations
from tests.factories import ArticleFactory, DigestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")
TITLES = [
    "OpenAI 发布新一代推理模型，数学与代码能力大幅提升",
    "Meta open-sources a 70B multilingual model with a permissive license",
    "清华团队提出高效长上下文注意力机制，推理速度提升 3 倍",
    "Google DeepMind's new agent plays 600 games it has never seen",
    "国产大模型在中文医学考试中首次超过人类平均水平",
    "Hugging Face releases an open dataset of 15 trillion web tokens",
]


@pytest.fixture
def inbox() -> list[InboxItem]:
    digest = DigestFactory.create()
    source = Source.objects.create(name="机器之心", kind="wechat")
    feed = Feed.objects.create(source=source, url="https://bridge.example/jiqizhixin.xml")
    now = timezone.now()
    return [
        InboxItem.objects.create(
            digest=digest,
            feed=feed,
            article=ArticleFactory.create(
                title=title,
                source=source,
                canonical_url=f"https://mp.weixin.qq.com/s/item-{n}",
                published_at=now - timedelta(hours=n + 1),
            ),
            arrived_at=now - timedelta(minutes=10 * n),
        )
        for n, title in enumerate(TITLES)
    ]


def log_in(page) -> None:
    get_user_model().objects.create_superuser("chief", password="a long test password")
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")


def test_editor_triages_the_inbox_with_the_keyboard(open_tab, inbox, axe_source) -> None:
    tab = open_tab(width=1280, height=800)
    page = tab.page
    log_in(page)
    page.goto(reverse("admin:feeds_inboxitem_changelist"))
    page.screenshot(path=SCREENSHOTS / "briefroom-inbox-desktop.png")

    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("#result_list tr[aria-current=true]").count() == 1
    page.keyboard.press("s")  # shortlists the second item, moves to the third
    page.wait_for_function("document.querySelector('.inbox-status').textContent.length > 0")
    page.keyboard.press("d")
    page.wait_for_function(
        "document.querySelectorAll('#result_list .feed-badge[data-state=dismissed]').length == 1"
    )
    page.screenshot(path=SCREENSHOTS / "briefroom-inbox-desktop-triaged.png")

    states = dict(InboxItem.objects.values_list("article__title", "state"))
    assert states[TITLES[1]] == "shortlisted"
    assert states[TITLES[2]] == "dismissed"
    assert [states[t] for t in (TITLES[0], *TITLES[3:])] == ["new"] * 4
    assert "Dismissed" in page.locator(".inbox-status").inner_text()
    violations = [v for v in axe_violations(page, axe_source) if "inbox" in str(v["targets"])]
    assert violations == []
    assert tab.errors == []


def test_inbox_fits_a_phone(open_tab, inbox) -> None:
    tab = open_tab(width=390, height=844)
    page = tab.page
    log_in(page)
    page.goto(reverse("admin:feeds_inboxitem_changelist"))
    page.screenshot(path=SCREENSHOTS / "briefroom-inbox-phone.png")
    page.screenshot(path=SCREENSHOTS / "briefroom-inbox-phone-full.png", full_page=True)
    assert page.locator(".inbox-help").is_visible()
    assert tab.errors == []
