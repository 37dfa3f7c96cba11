"""The admin inbox and feed pages as an editor uses them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from feeds.models import Feed, InboxItem
from tests.factories import ArticleFactory, DigestFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox() -> list[InboxItem]:
    digest = DigestFactory.create()
    now = timezone.now()
    return [
        InboxItem.objects.create(
            digest=digest,
            article=ArticleFactory.create(title=f"Story {n}"),
            arrived_at=now - timedelta(hours=n),
        )
        for n in range(3)
    ]


def test_inbox_lists_newest_first_with_keyboard_help(admin_client, inbox) -> None:
    response = admin_client.get(reverse("admin:feeds_inboxitem_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Story 0") < html.index("Story 1") < html.index("Story 2")
    assert 'id="inbox-keys"' in html and "feeds/inbox.js" in html
    assert 'role="status"' in html


def test_inbox_filters_by_state(admin_client, inbox) -> None:
    inbox[1].state = "shortlisted"
    inbox[1].save()
    response = admin_client.get(reverse("admin:feeds_inboxitem_changelist") + "?state=shortlisted")
    html = response.content.decode()
    assert "Story 1" in html and "Story 0" not in html


def test_bulk_shortlist_and_dismiss(admin_client, inbox) -> None:
    url = reverse("admin:feeds_inboxitem_changelist")
    admin_client.post(url, {"action": "shortlist", "_selected_action": [inbox[0].pk, inbox[1].pk]})
    admin_client.post(url, {"action": "dismiss", "_selected_action": [inbox[2].pk]})
    states = dict(InboxItem.objects.values_list("pk", "state"))
    assert states == {
        inbox[0].pk: "shortlisted",
        inbox[1].pk: "shortlisted",
        inbox[2].pk: "dismissed",
    }
    assert InboxItem.objects.get(pk=inbox[0].pk).triaged_by is not None


def test_one_key_triage_answers_with_the_new_badge(admin_client, inbox) -> None:
    url = reverse("admin:feeds_inboxitem_triage", args=[inbox[0].pk])
    response = admin_client.post(url, {"state": "dismissed"})
    assert response.status_code == 200
    assert response.json()["state"] == "dismissed"
    assert 'data-state="dismissed"' in response.json()["badge"]
    assert admin_client.post(url, {"state": "bogus"}).status_code == 400
    assert admin_client.get(url).status_code == 405


def test_poll_now_and_reset_errors_actions(admin_client, monkeypatch) -> None:
    queued: list[int] = []
    monkeypatch.setattr("feeds.admin.enqueue", lambda task, feed_id: queued.append(feed_id))
    feed = Feed.objects.create(
        source=SourceFactory.create(),
        url="https://blog.example/feed",
        consecutive_errors=5,
        active=False,
        status="paused",
        paused_reason="gone",
        next_poll_at=timezone.now() + timedelta(days=1),
    )
    url = reverse("admin:feeds_feed_changelist")
    admin_client.post(url, {"action": "poll_now", "_selected_action": [feed.pk]})
    assert queued == [feed.pk]
    admin_client.post(url, {"action": "reset_errors", "_selected_action": [feed.pk]})
    feed.refresh_from_db()
    assert (feed.consecutive_errors, feed.active, feed.paused_reason) == (0, True, "")
    assert feed.next_poll_at <= timezone.now()


def test_opml_admin_page_imports_and_exports(admin_client) -> None:
    page = reverse("admin:feeds_feed_opml")
    assert admin_client.get(page).status_code == 200
    opml = (
        b'<?xml version="1.0"?><opml version="2.0"><body>'
        b'<outline text="Lab" xmlUrl="https://lab.example/feed.xml"/></body></opml>'
    )
    response = admin_client.post(page, {"file": SimpleUploadedFile("subs.opml", opml)})
    assert response.status_code == 302
    assert Feed.objects.get().url == "https://lab.example/feed.xml"

    bad = admin_client.post(page, {"file": SimpleUploadedFile("x.opml", b"<html/>")})
    assert "not OPML" in bad.content.decode()

    exported = admin_client.get(reverse("admin:feeds_feed_opml_export"))
    assert exported["Content-Type"].startswith("text/x-opml")
    assert b'xmlUrl="https://lab.example/feed.xml"' in exported.content


def test_feed_list_and_form_render(admin_client) -> None:
    feed = Feed.objects.create(source=SourceFactory.create(), url="https://blog.example/feed")
    assert admin_client.get(reverse("admin:feeds_feed_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:feeds_feed_change", args=[feed.pk])).status_code == 200
    assert admin_client.get(reverse("admin:feeds_feed_add")).status_code == 200
