"""What each event carries: the same shapes the API serves, linked on SITE_URL."""

from __future__ import annotations

from typing import Any

from articles.models import Article
from digest.models import Issue
from digest.representation import ArticleOutput, issue_detail_data


def issue_payload(issue: Issue) -> dict[str, Any]:
    fresh = Issue.objects.select_related("digest").get(pk=issue.pk)
    return {"issue": issue_detail_data(fresh, request=None)}


def article_payload(article: Article) -> dict[str, Any]:
    fresh = Article.objects.with_display_relations().get(pk=article.pk)
    return {"article": ArticleOutput(fresh, context={"request": None}).data}
