from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import RelatedLink
from digest.models import Digest, Entry, Issue
from tests.api.live import api_server, seed_newsroom
from tests.factories import ArticleFactory, DigestFactory, contributor, editor
from tests.support.worker import require_postgres

HIGH_RATES = {"anon": "100000/min", "user": "100000/min"}


@pytest.fixture(autouse=True)
def _api_settings(settings) -> None:
    """Generous throttles and an empty cache, so tests neither throttle nor see stale reads."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": HIGH_RATES,
        # The API reads JSON bodies only.
        "TEST_REQUEST_DEFAULT_FORMAT": "json",
    }
    settings.SITE_URL = "https://briefroom.example"
    cache.clear()


@pytest.fixture(autouse=True)
def fetches(monkeypatch) -> list[int]:
    """Article ids queued for fetching; nothing is fetched for real."""
    queued: list[int] = []
    monkeypatch.setattr("articles.services.enqueue_fetch", queued.append)
    return queued


# API clients here read English unless a test asks for another language: the assertions
# match the API's English messages (tests/api/test_language.py covers the negotiation).
ENGLISH: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}


def token_client(user) -> APIClient:
    client = APIClient(**ENGLISH)
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anon() -> APIClient:
    return APIClient(**ENGLISH)


@pytest.fixture
def editor_user(db):
    return editor()


@pytest.fixture
def contributor_user(db):
    return contributor()


@pytest.fixture
def editor_api(editor_user) -> APIClient:
    return token_client(editor_user)


@pytest.fixture
def contributor_api(contributor_user) -> APIClient:
    return token_client(contributor_user)


@pytest.fixture
def digest(db) -> Digest:
    return DigestFactory.create(numbering=Digest.Numbering.SEQUENTIAL)


@pytest.fixture
def make_issue(digest) -> Callable[..., Issue]:
    """An issue with `main` numbered entries and `others` link-only ones."""

    def build(
        *, main: int = 2, others: int = 1, published: bool = False, number: int | None = None
    ) -> Issue:
        number = number or (Issue.objects.count() + 1)
        issue = Issue.objects.create(digest=digest, number=number, title=f"第 {number} 期")
        for position in range(1, main + others + 1):
            article = ArticleFactory.create(
                image_url="https://img.example/lead.png",
                image_width=640,
                image_height=360,
                image_alt="lead",
            )
            RelatedLink.objects.create(
                article=article, label="Paper", url="https://arxiv.org/abs/1"
            )
            article.tags.create(name=f"tag-{number}-{position}")
            section = Entry.Section.MAIN if position <= main else Entry.Section.OTHERS
            Entry.objects.create(issue=issue, article=article, position=position, section=section)
        if published:
            issue.status = Issue.Status.PUBLISHED
            issue.published_at = timezone.now()
            issue.save()
        return issue

    return build


def error_of(response) -> dict:
    """The API's error object, checked for its one shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
def seeded_server(transactional_db, redis_url, tmp_path):
    """The API in its own gunicorn process, on a seeded newsroom: (base URL, editor token)."""
    require_postgres()
    token = seed_newsroom()
    with api_server(broker_url=redis_url, log_path=tmp_path / "server.log") as base:
        yield base, token
    redis.Redis.from_url(redis_url).flushdb()
