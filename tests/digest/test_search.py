"""Reader search: Chinese and English substrings, published issues only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article
from digest.importer import issue_import_markdown
from digest.search import search_articles, search_issues, search_terms
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


def test_postgres_serves_substring_search_from_trigram_indexes() -> None:
    if connection.vendor != "postgresql":
        unavailable("the trigram indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Article.objects.filter(title__icontains="attention").explain()

    assert "article_title_trgm" in plan
