"""The issue detail builds its entries directly: the same JSON as the declared serializers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from api.selectors import issue_api_content, issue_detail_data
from api.serializers import EntryOutput, IssueDetailOutput
from articles.models import Article, RelatedLink, Tag
from digest.models import Entry, Issue
from tests.factories import ArticleFactory, IssueFactory, SourceFactory

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


class SerializedIssueDetail(IssueDetailOutput):
    """The detail with its entries through EntryOutput and the serializers it nests."""

    def get_entries(self, issue: Issue) -> dict[str, Any]:
        content = self.context["content"]
        for section in (content.main, content.others):
            for number, entry in enumerate(section, start=1):
                entry.number_in_section = number
        return {
            "main": EntryOutput(content.main, many=True, context=self.context).data,
            "others": EntryOutput(content.others, many=True, context=self.context).data,
        }


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


def rendered(serializer: type[IssueDetailOutput], issue: Issue, request: Any) -> bytes:
    context = {"request": request, "content": issue_api_content(issue)}
    return JSONRenderer().render(serializer(issue, context=context).data)


@pytest.mark.parametrize("with_request", [True, False], ids=["request", "site-url"])
def test_the_detail_matches_the_declared_serializers_byte_for_byte(with_request, settings):
    settings.ALLOWED_HOSTS = ["api.example"]
    issue = rich_issue()
    request = APIRequestFactory().get("/", HTTP_HOST="api.example:8443") if with_request else None

    built = rendered(IssueDetailOutput, issue, request)

    assert built == rendered(SerializedIssueDetail, issue, request)
    assert "智能体".encode() in built and b'"number":1' in built


def test_the_api_serves_the_same_bytes_as_the_declared_serializers(client):
    issue = rich_issue()

    response = client.get(f"/api/v1/issues/{issue.pk}/", headers={"Accept": "application/json"})

    request = APIRequestFactory().get("/")
    assert response.content == rendered(SerializedIssueDetail, issue, request)


def test_entries_are_numbered_within_their_section():
    issue = rich_issue()

    entries = issue_detail_data(issue)["entries"]

    assert [e["number"] for e in entries["main"]] == [1, 2, 3, 4]
    assert [e["number"] for e in entries["others"]] == [1]
