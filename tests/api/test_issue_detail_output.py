"""One declared issue shape: the API detail, the entries endpoint, the JSON export and the
webhook payload all come from digest/representation.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from articles.models import Article, RelatedLink, Tag
from digest.exporters import ExportFormat, export_issue
from digest.models import Entry, Issue
from digest.representation import issue_detail_data
from tests.factories import ArticleFactory, IssueFactory, SourceFactory
from webhooks.payloads import issue_payload

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def rich_issue() -> Issue:
    """Every shape an entry takes: image kinds, no source, several links and tags, no date."""
    issue = IssueFactory.create(
        number=7,
        title="",
        intro="{digest} 第 {number} 期，{count} 条 {braces}",
        stats_override="本文一共 1200 字，通篇阅读结束需要 3~5 分钟",
        status=Issue.Status.PUBLISHED,
        published_at=dt.datetime(2024, 3, 1, 0, 0, tzinfo=dt.UTC),
    )
    stored = ArticleFactory.create(
        kind=Article.Kind.ARXIV,
        title="论文 <b>&</b> “引号”",
        author="张三, Jane Doe",
        summary="**粗体** 与 [链接](https://example.com/a?b=1&c=2)\n\n- 一\n- 二",
        image="articles/lead.jpg",
        image_thumbnail="articles/thumbs/lead.jpg",
        image_width=1200,
        image_height=800,
        image_alt="示意图",
        published_at=dt.datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=SHANGHAI),
        source=SourceFactory.create(slug="机器之心", homepage="https://jiqizhixin.com"),
    )
    RelatedLink.objects.create(
        article=stored, label="Code", url="https://github.com/x/y", position=2
    )
    RelatedLink.objects.create(
        article=stored, label="Paper", url="https://arxiv.org/abs/1", position=1
    )
    stored.tags.add(
        Tag.objects.create(name="智能体", slug="智能体"), Tag.objects.create(name="agents")
    )
    origin = ArticleFactory.create(
        image_url="https://img.example/lead.png",
        image_width=None,
        published_at=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        fetch_state=Article.FetchState.FAILED,
    )
    bare = ArticleFactory.create(source=None, summary="", excerpt="摘录\n\n第二段")
    overridden = ArticleFactory.create(image="articles/other.png", image_alt="")
    other = ArticleFactory.create(title="", canonical_url="https://example.com/其他?q=1")
    placements: list[tuple[Article, dict[str, str]]] = [
        (stored, {}),
        (origin, {"title_override": "改过的标题", "summary_override": "改过的 *摘要*"}),
        (bare, {}),
        (overridden, {"image_override": "entries/override.webp"}),
        (other, {"section": Entry.Section.OTHERS}),
    ]
    for position, (article, extra) in enumerate(placements, start=1):
        Entry.objects.create(issue=issue, article=article, position=position, **extra)
    return issue


def test_the_detail_lists_the_same_entries_as_the_entries_endpoint(client):
    issue = rich_issue()
    accept = {"Accept": "application/json"}

    detail = client.get(f"/api/v1/issues/{issue.pk}/", headers=accept).json()
    entries = client.get(f"/api/v1/issues/{issue.pk}/entries/", headers=accept).json()

    assert detail["entries"] == entries
    assert [link["label"] for link in detail["entries"]["main"][0]["article"]["links"]] == [
        "Paper",
        "Code",
    ]
    assert [tag["name"] for tag in detail["entries"]["main"][0]["article"]["tags"]] == [
        "agents",
        "智能体",
    ]


def test_the_json_export_and_the_webhook_carry_the_api_detail_on_site_url(client, settings):
    settings.SITE_URL = "https://brief.example"
    settings.ALLOWED_HOSTS = ["brief.example"]
    issue = rich_issue()

    served = client.get(
        f"/api/v1/issues/{issue.pk}/",
        headers={"Accept": "application/json"},
        HTTP_HOST="brief.example",
        secure=True,
    ).json()
    exported = json.loads(export_issue(issue, ExportFormat.JSON))

    assert exported == served
    assert json.loads(json.dumps(issue_payload(issue)["issue"], default=str)) == served
    assert exported["url"] == f"https://brief.example/api/v1/issues/{issue.pk}/"


def test_entries_are_numbered_within_their_section():
    issue = rich_issue()

    entries = issue_detail_data(issue)["entries"]

    assert [e["number"] for e in entries["main"]] == [1, 2, 3, 4]
    assert [e["number"] for e in entries["others"]] == [1]
    assert entries["main"][1]["title"] == "改过的标题"
    assert entries["main"][3]["image"]["url"].endswith("entries/override.webp")
