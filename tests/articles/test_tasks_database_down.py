"""A worker that cannot reach the database retries with backoff instead of failing."""

import pytest
from django.db import OperationalError

from articles import ingest, tasks


@pytest.fixture
def no_wait(monkeypatch):
    delays: list[int] = []

    def record(retries: int, retry_after: float | None = None) -> float:
        delays.append(retries)
        return 0

    monkeypatch.setattr(tasks, "retry_delay", record)
    return delays


def test_fetch_retries_until_the_database_answers(monkeypatch, no_wait) -> None:
    calls: list[int] = []

    class Outcome:
        state = "done"

    def fetch(article_id: int, *, final_attempt: bool):
        calls.append(article_id)
        if len(calls) < 3:
            raise OperationalError("connection refused")
        return Outcome()

    monkeypatch.setattr(ingest, "article_fetch", fetch)

    result = tasks.fetch_article.apply(args=[7])

    assert result.get() == "done"
    assert calls == [7, 7, 7]
    assert no_wait == [0, 1]  # the backoff grows with each retry


def test_fetch_gives_up_after_its_retries_and_says_why(monkeypatch, no_wait) -> None:
    def fetch(article_id: int, *, final_attempt: bool):
        raise OperationalError("connection refused")

    monkeypatch.setattr(ingest, "article_fetch", fetch)

    result = tasks.fetch_article.apply(args=[7])

    assert result.failed()
    assert isinstance(result.result, OperationalError)
    # One first attempt and MAX_RETRIES retries; the last finds its retries spent.
    assert no_wait == list(range(tasks.MAX_RETRIES + 1))


def test_image_fetch_retries_too(monkeypatch, no_wait) -> None:
    calls: list[int] = []

    def fetch_image(article_id: int) -> str:
        calls.append(article_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return "stored"

    monkeypatch.setattr(ingest, "article_fetch_image", fetch_image)

    assert tasks.fetch_article_image.apply(args=[3]).get() == "stored"
    assert calls == [3, 3]
