"""Small factories for the newsroom's objects."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User

from articles.models import Article
from digest.models import Digest, Entry, Issue
from digest.permissions import CONTRIBUTORS, EDITORS
from sources.models import Source


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"机器之心 {n}")
    kind = Source.Kind.WECHAT


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    class Meta:
        model = Article

    canonical_url = factory.Sequence(lambda n: f"https://example.com/articles/{n}")
    submitted_url = factory.SelfAttribute("canonical_url")
    title = factory.Sequence(lambda n: f"文章 {n}")
    source = factory.SubFactory(SourceFactory)
    fetch_state = Article.FetchState.DONE


class DigestFactory(factory.django.DjangoModelFactory[Digest]):
    class Meta:
        model = Digest
        django_get_or_create = ("slug",)

    name = "AI 简报"
    slug = "ai-brief"


class IssueFactory(factory.django.DjangoModelFactory[Issue]):
    class Meta:
        model = Issue

    digest = factory.SubFactory(DigestFactory)
    number = factory.Sequence(lambda n: 20210101 + n)


class EntryFactory(factory.django.DjangoModelFactory[Entry]):
    class Meta:
        model = Entry

    issue = factory.SubFactory(IssueFactory)
    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)


def user_in_group(username: str, group: str) -> User:
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def editor(username: str = "eddie") -> User:
    return user_in_group(username, EDITORS)


def contributor(username: str = "connie") -> User:
    return user_in_group(username, CONTRIBUTORS)
