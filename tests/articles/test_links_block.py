"""The paper-code-data block and the page text as a fetch stores them, and editors' edits."""

from __future__ import annotations

import pytest

from articles import ingest
from articles.admin import RelatedLinkForm
from articles.models import Article, RelatedLink
from articles.services import article_create, article_set_links
from digest.housestyle import (
    HouseEntry,
    HouseIssue,
    HouseLink,
    parse_issue_markdown,
    render_issue_markdown,
)
from tests.articles.extractors.conftest import OWN_PAGES
from tests.factories import contributor
from tests.support.manifest import body, page

pytestmark = pytest.mark.django_db

WECHAT_URL = "https://mp.weixin.qq.com/s/AbCdEfGhIjKl"


def fetched(sites, url: str, content: bytes) -> Article:
    article, _ = article_create(url=url, fetch=False)
    sites.serve(article.canonical_url, content)
    outcome = ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert outcome.state == "done", article.fetch_error
    return article


def refetch(sites, article: Article, content: bytes) -> Article:
    # The first fetch may have moved the article to the permanent URL the page declares.
    sites.serve(article.canonical_url, content)
    Article.objects.filter(pk=article.pk).update(fetch_state="pending")
    ingest.article_fetch(article.pk)
    article.refresh_from_db()
    return article


def block(article: Article) -> list[tuple[str, str, str]]:
    return [(link.label, link.url, link.source) for link in article.links.all()]


def test_a_fetch_stores_the_block_in_order_with_where_each_link_was_found(sites) -> None:
    article = fetched(sites, WECHAT_URL, (OWN_PAGES / "wechat_article_links.html").read_bytes())
    assert block(article) == [
        ("Paper", "https://arxiv.org/abs/2405.05966", "body"),
        ("GitHub", "https://github.com/openai/whisper", "body"),
        ("数据集", "https://huggingface.co/datasets/acme/tiny-corpus", "body"),
        ("Demo", "https://acme-tiny.hf.space/", "body"),
        ("项目主页", "https://example.org/tiny", "body"),
        ("原文链接", "https://example.org/blog/tiny-models", "metadata"),
    ]


def test_a_fetch_stores_the_page_text_and_keeps_description_apart_from_summary(
    sites, pages_dir
) -> None:
    row = page(pages_dir, "magic-html_163_apple_antitrust_zh_2024.html")
    article = fetched(sites, row.url, body(pages_dir, row))
    assert article.body_text.startswith(row.lede)
    assert article.paragraphs()[0].startswith(row.lede)
    assert article.summary.startswith(row.lede)
    # The page's own description (the title plus keywords) is kept, not used as the summary.
    assert article.excerpt.startswith("苹果称美国反垄断诉讼应被驳回,指控")
    assert article.metadata["description"] == article.excerpt


def test_a_refetch_never_overwrites_the_block_an_editor_set(sites) -> None:
    content = (OWN_PAGES / "wechat_article_links.html").read_bytes()
    article = fetched(sites, WECHAT_URL, content)
    article_set_links(article=article, links=[("Paper", "https://arxiv.org/abs/2401.00001")])
    article = refetch(sites, article, content)
    assert article.fetch_state == "done"
    assert block(article) == [("Paper", "https://arxiv.org/abs/2401.00001", "editor")]


def test_links_set_through_the_api_survive_a_refetch(sites, client) -> None:
    content = (OWN_PAGES / "wechat_article_links.html").read_bytes()
    article = fetched(sites, WECHAT_URL, content)
    client.force_login(contributor())
    response = client.patch(
        f"/api/v1/articles/{article.pk}/",
        {"links": [{"label": "GitHub", "url": "https://github.com/acme/other"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    article = refetch(sites, article, content)
    assert article.fetch_state == "done"
    assert block(article) == [("GitHub", "https://github.com/acme/other", "editor")]


def test_a_link_changed_in_the_admin_becomes_the_editors(sites) -> None:
    article = fetched(sites, WECHAT_URL, (OWN_PAGES / "wechat_article_links.html").read_bytes())
    link = article.links.get(label="GitHub")
    unchanged = RelatedLinkForm({"label": link.label, "url": link.url}, instance=link)
    assert unchanged.is_valid()
    assert unchanged.save().source == RelatedLink.Source.BODY
    changed = RelatedLinkForm({"label": "代码", "url": link.url}, instance=link)
    assert changed.is_valid()
    assert changed.save().source == RelatedLink.Source.EDITOR


def test_a_fetched_block_prints_in_house_style_and_reads_back(sites) -> None:
    article = fetched(sites, WECHAT_URL, (OWN_PAGES / "wechat_article_links.html").read_bytes())
    links = [HouseLink(link.label, link.url) for link in article.links.all()]
    entry = HouseEntry(title=article.title, url=article.canonical_url, publication="量子位")
    entry.related_links = links
    issue = HouseIssue(intro="", stats_line="", entries=[entry], others=[])
    text = render_issue_markdown(issue)
    assert "> - Paper：\n>\n>     https://arxiv.org/abs/2405.05966\n>\n> - GitHub：" in text
    assert parse_issue_markdown(text).entries[0].related_links == links
