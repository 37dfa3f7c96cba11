"""Reader search: Chinese and English substrings, published issues only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article
from digest import search
from digest.importer import issue_import_markdown
from digest.search import matching_article_ids, search_articles, search_issues, search_terms
from digest.services import issue_publish
from tests.digest.test_archive_builders import (
    _fresh_cache,  # noqa: F401 - autouse fixture
    make_article,
    make_issue,
    make_source,
    queries_for,
    tag,
)
from tests.factories import EntryFactory
from tests.support.services import unavailable

pytestmark = pytest.mark.django_db


def search_page(client, query: str) -> str:
    response = client.get(reverse("archive:search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def issue_with(**article_fields) -> Article:
    """A published issue whose one entry is an article with these fields."""
    issue = make_issue(entries=0, others=0, publish=False)
    article = make_article(**article_fields)
    EntryFactory.create(issue=issue, article=article)
    issue_publish(issue=issue)
    return article


def test_chinese_query_finds_the_couplet_article_of_the_seed_issue(client, seed_path) -> None:
    issue_import_markdown(text=seed_path.read_text(encoding="utf-8"))

    html = search_page(client, "对联")

    assert "明年，我要用 AI 给全村写对联" in html
    assert "STM32 嵌入式机器学习" not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("稀疏注意力", "title"),
        ("BLOCKSPARSE", "title"),  # case-insensitive for Latin letters
        ("量化剪枝", "summary"),
        ("新智元", "publication"),
        ("边缘计算", "tag"),
    ],
)
def test_articles_are_found_by_title_summary_publication_and_tag(client, query, field) -> None:
    article = issue_with(
        title="稀疏注意力 BlockSparse 新进展",
        summary="介绍量化剪枝的一篇综述。",
        source=make_source("新智元"),
    )
    article.tags.add(tag("边缘计算"))
    issue_with(title="无关的文章", summary="别的内容")

    results = list(search_articles(search_terms(query)))

    assert results == [article], field


def test_every_word_of_the_query_must_match(client) -> None:
    both = issue_with(title="JAX 比 Numpy 快", summary="在 TPU 上运行")
    issue_with(title="JAX 入门", summary="只在 CPU 上")

    assert list(search_articles(search_terms("JAX\u3000TPU"))) == [both]


def test_an_editors_title_override_in_a_published_issue_is_searched(client) -> None:
    issue = make_issue(entries=1, others=0)
    issue.entries.update(title_override="编辑改写的标题")

    assert len(search_articles(["编辑改写"])) == 1


def test_drafts_are_never_found(client) -> None:
    draft = make_issue(entries=0, others=0, publish=False, title="未发布的一期")
    EntryFactory.create(issue=draft, article=make_article(title="草稿里的秘密文章"))
    published = make_issue(entries=1, others=0)
    EntryFactory.create(
        issue=draft, article=published.entries.get().article, title_override="秘密改写"
    )

    html = search_page(client, "秘密")

    assert "草稿里的秘密文章" not in html
    assert list(search_articles(["秘密"])) == []
    assert list(search_issues(["未发布"])) == []


def test_issues_are_found_by_title_intro_digest_name_and_number(client) -> None:
    issue = make_issue(number=20210219, title="新春特刊")

    for query in ("新春特刊", "祝阅读愉快", "AI 简报", "20210219"):
        assert list(search_issues(search_terms(query))) == [issue], query


def test_search_page_lists_issues_and_articles_with_links_to_their_entries(client) -> None:
    issue = make_issue(entries=1, others=0, title="新春特刊")
    entry = issue.entries.get()
    entry.article.title = "新春里的模型"
    entry.article.save()

    html = search_page(client, "新春")

    assert f'href="{issue.get_absolute_url()}"' in html
    assert f'href="{issue.get_absolute_url()}#{entry.anchor}"' in html
    assert "找到期刊 1 期、文章 1 篇" in html


def test_query_is_escaped_and_long_queries_are_cut(client) -> None:
    html = search_page(client, '<script>alert(1)</script>"' + "长" * 500)

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(search_terms("长" * 500)[0]) == 100


def test_empty_query_shows_the_form_without_results(client) -> None:
    html = search_page(client, "   ")

    assert 'id="search-q"' in html
    assert "找到" not in html


def test_search_query_count_does_not_grow_with_results(client) -> None:
    make_issue(entries=2, others=0, number=1)
    url = reverse("archive:search") + "?q=摘要"
    few = queries_for(client, url)

    for number in range(2, 8):
        make_issue(entries=6, others=0, number=number)

    assert queries_for(client, url) == few


def published_issue_of(articles: list[Article], issue_date: dt.date) -> None:
    issue = make_issue(entries=0, others=0, publish=False, issue_date=issue_date)
    for article in articles:
        EntryFactory.create(issue=issue, article=article)
    issue_publish(issue=issue)


def test_articles_are_listed_by_their_latest_issue_then_newest_first(client) -> None:
    early, late, again = (make_article(title=f"推理模型 {n}") for n in range(3))
    published_issue_of([early, again], dt.date(2021, 2, 12))
    published_issue_of([late, again], dt.date(2021, 2, 19))

    assert list(search_articles(["推理模型"])) == [again, late, early]


def test_a_two_character_word_is_found_in_every_field(client) -> None:
    titled = issue_with(title="全村写对联", summary="无关")
    summarised = issue_with(title="无关", summary="春节的对联")
    published = issue_with(title="无关", summary="无关", source=make_source("对联日报"))
    tagged = issue_with(title="无关", summary="无关")
    tagged.tags.add(tag("对联"))
    issue = make_issue(entries=1, others=0)
    issue.entries.update(title_override="改写成对联")
    overridden = issue.entries.get().article
    issue_with(title="别的", summary="也无关")
    cased = issue_with(title="AI 写春联", summary="无关")

    found = set(search_articles(["对联"]))

    assert found == {titled, summarised, published, tagged, overridden}
    assert list(search_articles(["ai"])) == [cased]


def test_a_word_in_more_articles_than_a_search_lists_shows_the_newest(client, monkeypatch) -> None:
    monkeypatch.setattr(search, "MAX_RESULTS", 2)
    articles = [issue_with(title=f"{word} 新闻") for word in ("智能体", "智能体", "智能体")]
    short = [issue_with(title="模型 新闻") for _ in range(3)]

    html = search_page(client, "智能体")

    assert list(search_articles(["智能体"])) == articles[:0:-1]
    assert "文章 2+ 篇（只列出最新的 2 篇" in html
    assert list(search_articles(["模型"])) == short[:0:-1]


def test_drafts_are_not_counted(client) -> None:
    issue_with(title="公开的量子文章")
    draft = make_issue(entries=0, others=0, publish=False)
    EntryFactory.create(issue=draft, article=make_article(title="草稿里的量子文章"))

    assert "文章 1 篇" in search_page(client, "量子")


def test_postgres_searches_articles_through_the_trigram_indexes() -> None:
    if connection.vendor != "postgresql":
        unavailable("the trigram indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Article.objects.filter(pk__in=matching_article_ids("attention")).explain()

    for index in ("article_title_trgm", "article_summary_trgm", "article_excerpt_trgm"):
        assert index in plan


def test_the_articles_of_a_tag_are_indexed_by_tag_then_article() -> None:
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "articles_article_tags")

    assert indexes["article_tags_by_tag_idx"]["columns"] == ["tag_id", "article_id"]


def test_postgres_serves_substring_search_from_trigram_indexes() -> None:
    if connection.vendor != "postgresql":
        unavailable("the trigram indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Article.objects.filter(title__icontains="attention").explain()

    assert "article_title_trgm" in plan
