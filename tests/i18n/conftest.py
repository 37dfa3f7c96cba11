"""A newsroom with one of everything, and editors who read Chinese or English."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.test import Client

from articles.models import Article, RelatedLink, Tag
from digest.models import Digest, Entry, Issue
from digest.services import issue_publish
from sources.models import Source
from webhooks.models import WebhookDelivery, WebhookSubscription


@pytest.fixture
def newsroom(db) -> dict[str, object]:
    """One of everything the admin lists, made of invented words (see screens.DATA_WORDS)."""
    source = Source.objects.create(
        name="Zorvath Quillon", kind=Source.Kind.WEBSITE, domain="zorvath.example"
    )
    tag = Tag.objects.create(name="Brenvik", slug="brenvik")
    article = Article.objects.create(
        submitted_url="https://zorvath.example/a/1",
        canonical_url="https://zorvath.example/a/1",
        title="Tamsor Yelvane",
        source=source,
        summary="Drossel Kwenlo",
        fetch_state=Article.FetchState.DONE,
        edited_fields=["title", "summary", "related_links"],
    )
    article.tags.add(tag)
    RelatedLink.objects.create(article=article, label="Fispar", url="https://quillon.example/p")
    other = Article.objects.create(
        submitted_url="https://zorvath.example/a/2",
        canonical_url="https://zorvath.example/a/2",
        title="Ulmsted Orrin",
        fetch_state=Article.FetchState.FAILED,
        fetch_error_code="timeout",
        fetch_error="Plimmet",
    )
    digest = Digest.objects.create(
        name="Orrin Vasque",
        slug="orrin",
        description="Plimmet",
        intro_template="Zorvath {number}",
        others_heading="Fispar",
    )
    issue = Issue.objects.create(digest=digest, number=7, title="Quillon Brenvik", intro="Tamsor")
    Entry.objects.create(issue=issue, article=article, position=1)
    Entry.objects.create(issue=issue, article=other, position=2, section=Entry.Section.OTHERS)
    issue_publish(issue=issue)
    subscription = WebhookSubscription.objects.create(
        name="Yelvane", target_url="https://drossel.example/hook", events=["issue.published"]
    )
    WebhookDelivery.objects.create(
        subscription=subscription, event="issue.published", payload={}, last_error="Kwenlo"
    )
    failed_login = {"username": "Yelvane", "ip_address": "198.51.100.9", "user_agent": "Drossel"}
    AccessAttempt.objects.create(
        **failed_login, path_info="/", get_data="", post_data="", failures_since_start=2
    )
    AccessFailureLog.objects.create(**failed_login, path_info="/")
    return {
        "digest": digest,
        "issue": issue,
        "article": article,
        "failed": other,
        "tag": tag,
        "source": source,
    }


def admin_client(language: str) -> Client:
    user = get_user_model().objects.filter(username="admin").first()
    if user is None:
        user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client
