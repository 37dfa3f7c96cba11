"""Whatever editors type, the Markdown export stays a valid house-style document."""

import pytest

from articles.models import RelatedLink
from digest.exporters import export_issue
from digest.housestyle import parse_issue_markdown
from tests.factories import ArticleFactory, EntryFactory, IssueFactory

pytestmark = pytest.mark.django_db


def test_awkward_editor_input_still_exports_and_reads_back() -> None:
    issue = IssueFactory.create(stats_override="about five minutes")
    article = ArticleFactory.create(
        title="两行\n标题",
        source=None,
        canonical_url="https://blog.example.com/post",
        summary="# 一个标题\n\n正文\n\n```python\n# a comment, not a heading\n```",
    )
    RelatedLink.objects.create(article=article, label="Paper: PDF", url="https://e.com/p.pdf")
    EntryFactory.create(issue=issue, article=article)
    text = export_issue(issue, "markdown")
    parsed = parse_issue_markdown(text)
    entry = parsed.entries[0]
    assert entry.title == "两行 标题"
    assert entry.publication == "blog.example.com"
    assert entry.summary.startswith("## 一个标题")
    assert "# a comment, not a heading" in entry.summary
    assert entry.related_links[0].label == "Paper PDF"
    assert parsed.stats_line.startswith("本文一共 ")


def test_count_placeholder_follows_the_entries() -> None:
    issue = IssueFactory.create(
        intro="本期为 {digest} {number} 期，将为您带来 {count} 条相关新闻，"
    )
    for _ in range(3):
        EntryFactory.create(issue=issue)
    EntryFactory.create(issue=issue, section="others")
    assert "将为您带来 3 条相关新闻" in export_issue(issue, "markdown")


def test_invalid_stats_override_is_refused_in_forms() -> None:
    from django.core.exceptions import ValidationError

    issue = IssueFactory.create(stats_override="about five minutes")
    with pytest.raises(ValidationError):
        issue.full_clean()
    issue.stats_override = "本文一共 100 字，通篇阅读结束需要 1~2 分钟"
    issue.full_clean()
