"""What each event carries: the same shapes the API serves, linked on SITE_URL."""

from __future__ import annotations

from typing import Any

from articles.models import Article
from digest.models import Issue


def issue_payload(issue: Issue) -> dict[str, Any]:
    from api.selectors import issue_detail_data

    fresh = Issue.objects.select_related("digest").get(pk=issue.pk)
    return {"issue": issue_detail_data(fresh, request=None)}


def article_payload(article: Article) -> dict[str, Any]:
    from api.serializers import ArticleOutput

    fresh = Article.objects.with_display_relations().get(pk=article.pk)
    return {"article": ArticleOutput(fresh, context={"request": None}).data}
