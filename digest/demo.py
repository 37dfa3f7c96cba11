"""A small sample digest for a fresh install, written for Briefroom (no third-party text)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import NotRequired, TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from articles.services import article_create, article_set_links, tags_from_names
from digest.models import Digest, Issue
from digest.permissions import EDITORS
from digest.services import entry_add, issue_create, issue_publish
from sources.services import source_get_or_create


class DemoSpec(TypedDict):
    """One sample article: where it lives, how it is shown, and what the editor added."""

    url: str
    title: str
    publication: tuple[str, str]  # (source kind, source name)
    author: NotRequired[str]
    summary: NotRequired[str]
    links: NotRequired[list[tuple[str, str]]]
    tags: NotRequired[list[str]]


DEMO_ARTICLES: list[DemoSpec] = [
    {
        "url": "https://arxiv.org/abs/1706.03762",
        "title": "Attention Is All You Need",
        "publication": ("arxiv", "arXiv"),
        "author": "Ashish Vaswani; Noam Shazeer; Niki Parmar; et al.",
        "summary": (
            "回顾经典：Transformer 架构只用注意力机制就取代了循环网络，"
            "今天几乎所有大语言模型都建立在它之上。\n\n"
            "本期重读这篇论文，关注 **多头注意力** 与位置编码两个设计。"
        ),
        "links": [("Paper", "https://arxiv.org/abs/1706.03762")],
        "tags": ["论文", "Transformer"],
    },
    {
        "url": "https://github.com/django/django",
        "title": "django/django",
        "publication": ("github", "GitHub"),
        "author": "django",
        "summary": (
            "Briefroom 自己就用 Django 构建。这个仓库是 Web 框架本身，"
            "适合想了解 ORM 与 admin 如何实现的读者。\n\n"
            "```python\nfrom django.db import models\n\n"
            "class Issue(models.Model):\n    number = models.PositiveIntegerField()\n```"
        ),
        "links": [("GitHub", "https://github.com/django/django")],
        "tags": ["开源"],
    },
    {
        "url": "https://example.com/briefroom/edge-ai-notes",
        "title": "边缘设备上的小模型：一份读书笔记",
        "publication": ("web", "Briefroom Notes"),
        "author": "Briefroom",
        "summary": (
            "把模型放进微控制器需要量化、剪枝和精心设计的算子。"
            "这篇笔记整理了入门时最常见的三个问题。\n\n"
            "> 小模型不是大模型的缩小版，而是另一种工程取舍。"
        ),
        "links": [
            ("原文链接", "https://example.com/briefroom/edge-ai-notes"),
        ],
        "tags": ["TinyML"],
    },
]
DEMO_OTHERS: list[DemoSpec] = [
    {
        "url": "https://example.com/briefroom/weekly-reading-list",
        "title": "本周延伸阅读清单",
        "publication": ("web", "Briefroom Notes"),
    },
    {
        "url": "https://example.org/blog/open-datasets",
        "title": "Where to find open datasets for small projects",
        "publication": ("web", "Example Blog"),
    },
]


def _demo_article(spec: DemoSpec) -> Article:
    article, _ = article_create(url=spec["url"], fetch=False)
    kind, name = spec["publication"]
    article.title = spec["title"]
    article.source = source_get_or_create(kind=kind, name=name)
    article.author = spec.get("author", "")
    article.summary = spec.get("summary", "")
    article.fetch_state = Article.FetchState.DONE
    article.published_at = timezone.now() - dt.timedelta(days=3)
    article.mark_edited(["title", "source", "author", "summary"])
    article.save()
    if spec.get("links"):
        article_set_links(article=article, links=spec["links"])
    if spec.get("tags"):
        article.tags.set(tags_from_names(spec["tags"]))
    return article


@transaction.atomic
def load_demo() -> Issue:
    """Create the demo digest with one published and one draft issue; safe to re-run."""
    digest, _ = Digest.objects.get_or_create(
        slug="ai-brief",
        defaults={"name": "AI 简报", "description": "每周精选的人工智能新闻、论文与开源项目。"},
    )
    today = timezone.localdate()
    published_number = int((today - dt.timedelta(days=7)).strftime("%Y%m%d"))
    issue = Issue.objects.filter(digest=digest, number=published_number).first()
    if issue is None:
        issue = issue_create(
            digest=digest,
            number=published_number,
            issue_date=today - dt.timedelta(days=7),
            intro=digest.intro_template + "欢迎来到 Briefroom 的示例期刊，祝阅读愉快~",
        )
        for spec in DEMO_ARTICLES:
            entry_add(issue=issue, article=_demo_article(spec))
        for spec in DEMO_OTHERS:
            entry_add(issue=issue, article=_demo_article(spec), section="others")
        issue_publish(issue=issue)
    draft_number = int(today.strftime("%Y%m%d"))
    if not Issue.objects.filter(digest=digest, number=draft_number).exists():
        draft = issue_create(digest=digest, number=draft_number, issue_date=today)
        entry_add(issue=draft, article=_demo_article(DEMO_ARTICLES[2]))
    return issue


def ensure_editor(username: str, password: str | None) -> str | None:
    """Create the editor account if missing; returns a generated password to print once."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    user = User.objects.create_user(username=username, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return generated
