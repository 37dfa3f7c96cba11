"""RSS, Atom and the sitemap: full issues for feed readers, published ones only."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from digest import feeds
from digest.models import Issue
from digest.services import issue_publish
from tests.digest.test_archive_builders import (
    _fresh_cache,  # noqa: F401 - autouse fixture
    make_issue,
    queries_for,
    tag,
)
from tests.factories import DigestFactory

pytestmark = pytest.mark.django_db

FEEDS = ["archive:feed-rss", "archive:feed-atom"]


def parsed(client, url: str, **headers) -> feedparser.FeedParserDict:
    response = client.get(url, **headers)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("name", FEEDS)
def test_feed_carries_each_issue_in_full(client, settings, name: str) -> None:
    settings.SITE_URL = "https://briefroom.example"
    issue = make_issue(entries=2, others=1)
    main = issue.entries.filter(section="main").select_related("article").first()

    feed = parsed(client, reverse(name))

    (item,) = feed.entries
    assert item.title == issue.display_title
    assert item.link == f"https://briefroom.example{issue.get_absolute_url()}"
    content = item.content[0].value
    assert main.article.title in content
    assert "<strong>摘要</strong>" in content
    assert f'src="{main.article.image_url}"' in content
    assert "原文链接" in content
    assert "3. 其他" in content
    assert "本期为 AI 简报" in item.summary


@pytest.mark.parametrize("name", FEEDS)
def test_feed_lists_published_issues_only(client, name: str) -> None:
    published = make_issue(number=20210212)
    make_issue(number=20210219, publish=False)
    scheduled = make_issue(number=20210226, publish=False)
    issue_publish(issue=scheduled, at=timezone.now() + dt.timedelta(days=1))

    feed = parsed(client, reverse(name))

    assert [item.title for item in feed.entries] == [published.display_title]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_digest_feed_has_only_that_digests_issues_and_its_language(client, kind: str) -> None:
    make_issue(number=1)
    english = DigestFactory.create(name="Weekly ML", slug="weekly-ml", language="en")
    ours = make_issue(digest=english, number=7)

    feed = parsed(client, reverse(f"archive:digest-feed-{kind}", args=["weekly-ml"]))

    assert [item.title for item in feed.entries] == [ours.display_title]
    assert feed.feed.title == "Weekly ML"
    assert feed.feed.get("language") == "en"


def test_feed_of_unknown_or_unpublished_digest_is_not_found(client) -> None:
    make_issue(publish=False, digest=DigestFactory.create(name="Secret", slug="secret"))

    assert client.get(reverse("archive:digest-feed-rss", args=["secret"])).status_code == 404
    assert client.get(reverse("archive:digest-feed-atom", args=["nope"])).status_code == 404


@pytest.mark.parametrize("name", FEEDS)
def test_control_characters_and_cdata_ends_in_titles_keep_the_feed_parsable(
    client, name: str
) -> None:
    issue = make_issue(title="AI]]>简报\x01\x08\x0b\x1f\x7f <b>&amp;", entries=1, others=0)
    article = issue.entries.get().article
    article.title = "标题\x02含]]>控制\x1b字符"
    article.summary = "摘要\x03 ]]> <![CDATA[ x ]]>"
    article.save()

    feed = parsed(client, reverse(name))

    (item,) = feed.entries
    assert item.title == "AI]]>简报 <b>&amp;"
    assert "标题含]]&gt;控制字符" in item.content[0].value


@pytest.mark.parametrize("name", FEEDS)
def test_feed_content_cannot_carry_script(client, name: str) -> None:
    issue = make_issue(entries=1, others=0)
    article = issue.entries.get().article
    article.title = "<script>alert(1)</script>"
    article.summary = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    article.canonical_url = "javascript:alert(2)"
    article.save()

    feed = parsed(client, reverse(name))

    content = feed.entries[0].content[0].value
    document = html5lib.parseFragment(content, namespaceHTMLElements=False)
    assert list(document.iter("script")) == []
    for element in document.iter():
        assert not any(name.startswith("on") for name in element.attrib)
        assert "javascript:" not in element.attrib.get("href", "")


@pytest.mark.parametrize("name", FEEDS)
def test_feed_answers_304_when_nothing_changed_and_200_after_a_change(client, name) -> None:
    issue = make_issue()
    first = client.get(reverse(name))

    unchanged = client.get(reverse(name), HTTP_IF_NONE_MATCH=first["ETag"])
    unchanged_since = client.get(reverse(name), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    article = issue.entries.first().article
    article.title = "新标题"
    article.save()
    changed = client.get(reverse(name), HTTP_IF_NONE_MATCH=first["ETag"])

    assert unchanged.status_code == 304
    assert unchanged_since.status_code == 304
    assert changed.status_code == 200
    assert "新标题" in changed.content.decode()


def test_feed_changes_when_a_scheduled_issue_comes_due(client, settings) -> None:
    # The update below stands in for time passing, which the page cache keys on by itself.
    settings.PAGECACHE_ENABLED = False
    make_issue(number=20210212)
    scheduled = make_issue(number=20210219, publish=False)
    issue_publish(issue=scheduled, at=timezone.now() + dt.timedelta(hours=1))
    before = client.get(reverse("archive:feed-rss"))

    Issue.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    after = client.get(reverse("archive:feed-rss"), HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert scheduled.display_title in after.content.decode()


def test_feed_validators_read_only_the_issues_the_feed_carries(
    client, settings, monkeypatch
) -> None:
    settings.PAGECACHE_ENABLED = False
    monkeypatch.setattr(feeds, "FEED_ITEMS", 2)
    oldest = make_issue(number=1)
    make_issue(number=2)
    make_issue(number=3)
    url = reverse("archive:feed-rss")
    first = client.get(url)
    later = timezone.now() + dt.timedelta(minutes=5)

    # Updates bypass the signals, so only the validators' own reads can notice them.
    Issue.objects.filter(pk=oldest.pk).update(updated_at=later)
    outside = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    Issue.objects.filter(number=3).update(updated_at=later)
    inside = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert oldest.display_title not in first.content.decode()
    assert outside.status_code == 304
    assert inside.status_code == 200


def test_feed_query_count_does_not_grow_with_issues_or_entries(client) -> None:
    urls = [reverse(name) for name in FEEDS] + [
        reverse("archive:digest-feed-rss", args=["ai-brief"])
    ]
    for number in range(1, 3):
        make_issue(number=number, entries=5, others=1)
    few = [queries_for(client, url) for url in urls]

    for number in range(3, 13):
        make_issue(number=number, entries=50, others=5)
    many = [queries_for(client, url) for url in urls]

    assert few == many


def test_pages_advertise_the_site_feeds(client) -> None:
    make_issue()

    html = client.get("/").content.decode()

    assert f'type="application/rss+xml" title="Briefroom (RSS)" href="{reverse(FEEDS[0])}"' in html
    assert (
        f'type="application/atom+xml" title="Briefroom (Atom)" href="{reverse(FEEDS[1])}"' in html
    )


# --- sitemap ----------------------------------------------------------------------------

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client) -> list[str | None]:
    response = client.get(reverse("archive:sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def test_sitemap_lists_published_pages_and_nothing_only_drafts_reveal(client) -> None:
    published = make_issue(number=20210212)
    draft = make_issue(number=20210219, publish=False)
    draft.entries.first().article.tags.add(tag("未公开"))
    source = published.entries.first().article.source

    urls = sitemap_urls(client)

    assert f"http://testserver{published.get_absolute_url()}" in urls
    assert f"http://testserver{draft.get_absolute_url()}" not in urls
    assert "http://testserver/" in urls
    assert f"http://testserver{reverse('archive:digest', args=['ai-brief'])}" in urls
    assert f"http://testserver{reverse('archive:tag', args=['论文'])}" in urls
    assert f"http://testserver{reverse('archive:tag', args=['未公开'])}" not in urls
    assert f"http://testserver{reverse('archive:source', args=[source.slug])}" in urls
    assert len(urls) == len(set(urls))


def test_sitemap_query_count_does_not_grow_with_issues(client) -> None:
    make_issue(number=1)
    few = queries_for(client, reverse("archive:sitemap"))

    for number in range(2, 12):
        make_issue(number=number)

    assert queries_for(client, reverse("archive:sitemap")) == few
