"""Builders shared by the archive, feed, search and export tests (this module has no tests)."""

from __future__ import annotations

import itertools

import html5lib
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, RelatedLink, Tag
from digest import pagecache
from digest.models import DEFAULT_INTRO_TEMPLATE, Digest, Entry, Issue
from digest.services import issue_publish
from sources.models import Source
from tests.factories import ArticleFactory, DigestFactory, EntryFactory, IssueFactory

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached renders and the content version must not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


def tag(name: str) -> Tag:
    return Tag.objects.get_or_create(name=name)[0]


def make_article(**fields) -> Article:
    """An article as a fetch leaves it: publication, Markdown summary, a link and tags."""
    n = next(_numbers)
    fields.setdefault("summary", f"第 {n} 篇的**摘要**，说明为什么值得一读。")
    fields.setdefault("image_url", f"https://img.example.com/{n}.png")
    article = ArticleFactory.create(**fields)
    RelatedLink.objects.create(article=article, label="原文链接", url=f"https://paper.example/{n}")
    article.tags.add(tag("论文"), tag("开源"))
    return article


def make_issue(
    *,
    entries: int = 3,
    others: int = 1,
    digest: Digest | None = None,
    number: int | None = None,
    publish: bool = True,
    **fields,
) -> Issue:
    """An issue of `entries` numbered entries and `others` link-only ones."""
    extra = {"number": number} if number is not None else {}
    issue = IssueFactory.create(
        digest=digest or DigestFactory.create(),
        intro=DEFAULT_INTRO_TEMPLATE + "祝阅读愉快。",
        **extra,
        **fields,
    )
    for position in range(1, entries + others + 1):
        section = Entry.Section.MAIN if position <= entries else Entry.Section.OTHERS
        EntryFactory.create(issue=issue, article=make_article(), position=position, section=section)
    if publish:
        issue_publish(issue=issue)
    issue.refresh_from_db()
    return issue


def make_source(name: str = "机器之心") -> Source:
    return Source.objects.create(name=name, kind=Source.Kind.WECHAT)


def queries_for(client, url: str) -> int:
    """How many SQL queries one uncached GET of `url` takes, the content version's included."""
    cache.clear()
    pagecache.forget()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def parse_strict(content: bytes) -> None:
    """Parse as HTML5, failing on any parse error (unclosed tags, bad nesting, stray text)."""
    html5lib.HTMLParser(strict=True).parse(content)
