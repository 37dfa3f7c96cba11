"""The public archive: what readers see, what they must not, and what it costs to serve."""

from __future__ import annotations

import datetime as dt

import html5lib
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone
from django.utils.html import escape

from articles.models import Tag
from digest.importer import issue_import_markdown
from digest.models import Entry, Issue
from digest.services import entries_reorder, issue_publish, issue_unpublish
from digest.templatetags.archive import SlugUrls
from sources.models import Source
from tests.digest.test_archive_builders import (
    _fresh_cache,  # noqa: F401 - autouse fixture
    make_article,
    make_issue,
    make_source,
    parse_strict,
    queries_for,
    tag,
)
from tests.factories import DigestFactory, EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(user)
    return client


def issue_url(issue: Issue) -> str:
    return reverse("archive:issue", kwargs={"digest": issue.digest.slug, "number": issue.number})


def draft_and_scheduled() -> list[Issue]:
    draft = make_issue(publish=False)
    scheduled = make_issue(publish=False)
    issue_publish(issue=scheduled, at=timezone.now() + dt.timedelta(days=1))
    return [draft, scheduled]


# --- pages ------------------------------------------------------------------------------


def test_home_shows_the_latest_issue_of_each_digest_and_recent_issues(client) -> None:
    older = make_issue(number=20210212)
    latest = make_issue(number=20210219)
    other = make_issue(
        digest=DigestFactory.create(name="Weekly ML", slug="weekly-ml", language="en")
    )

    html = client.get("/").content.decode()

    assert issue_url(latest) in html
    assert issue_url(other) in html
    latest_entry = latest.entries.filter(section=Entry.Section.MAIN).first()
    assert f"{issue_url(latest)}#{latest_entry.anchor}" in html
    assert html.index(issue_url(latest)) < html.index(issue_url(older))


def test_archive_lists_published_issues_by_year_with_pagination(client) -> None:
    for number in range(20210101, 20210101 + 22):
        make_issue(number=number, entries=1, others=0, issue_date=dt.date(2021, 1, 1))
    make_issue(number=20200101, entries=1, others=0, issue_date=dt.date(2020, 5, 1))

    first = client.get(reverse("archive:archive")).content.decode()
    second = client.get(reverse("archive:archive") + "?page=2").content.decode()
    year = client.get(reverse("archive:year", args=[2020])).content.decode()

    assert first.count('class="issue-list"') >= 1
    assert "20210122" in first and "20200101" not in first
    assert "20200101" in second
    assert "20200101" in year and "20210122" not in year
    assert client.get(reverse("archive:year", args=[1999])).status_code == 404


def test_digest_page_lists_its_issues_and_advertises_its_feeds(client) -> None:
    issue = make_issue()

    html = client.get(reverse("archive:digest", args=[issue.digest.slug])).content.decode()

    assert issue_url(issue) in html
    assert reverse("archive:digest-feed-rss", args=[issue.digest.slug]) in html
    assert 'rel="alternate" type="application/atom+xml"' in html


def test_list_pages_show_each_issues_count_of_numbered_entries(client) -> None:
    counted = make_issue(entries=3, others=2, number=20210219)
    empty = make_issue(entries=0, others=1, number=20210212)
    urls = ["/", reverse("archive:archive"), reverse("archive:digest", args=["ai-brief"])]

    for url in urls:
        html = client.get(url).content.decode()
        listed = html[html.index('<ul class="issue-list">') :]
        assert f'{issue_url(counted)}">' in listed, url
        assert "· 3 条" in listed, url
        assert "· 0 条" not in listed and "· 1 条" not in listed, url
        assert f'{issue_url(empty)}">' in listed, url


def test_list_pages_count_issues_without_reading_their_entries(client) -> None:
    for number in range(20210101, 20210104):
        make_issue(number=number, entries=2, others=1)

    for url in ("/", reverse("archive:archive"), reverse("archive:digest", args=["ai-brief"])):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        issue_lists = [q["sql"] for q in queries if 'FROM "digest_issue"' in q["sql"]]
        assert issue_lists, url
        for sql in issue_lists:
            assert 'JOIN "digest_entry"' not in sql, (url, sql)
            if "COUNT(*)" in sql:
                assert "digest_entry" not in sql, (url, sql)


def test_issue_page_reads_like_the_house_style(client) -> None:
    issue = make_issue(entries=2, others=1)
    main = list(issue.entries.filter(section=Entry.Section.MAIN).select_related("article__source"))
    other = issue.entries.get(section=Entry.Section.OTHERS)

    html = client.get(issue_url(issue)).content.decode()

    assert f"本期为 AI 简报 {issue.number} 期，将为您带来 2 条相关新闻" in html
    assert "本文一共" in html and "通篇阅读结束需要" in html
    for position, entry in enumerate(main, start=1):
        assert f'href="#{entry.anchor}"' in html
        assert f'id="{entry.anchor}"' in html
        assert f'<span class="entry-number">{position}.</span>' in html
        assert f'<a href="{entry.article.canonical_url}">{entry.article.title}</a>' in html
        assert entry.article.source.name in html
    assert "<strong>摘要</strong>" in html
    assert "原文链接：<a href=" in html
    assert '<span class="entry-number">3.</span> 其他' in html
    assert f'<li id="{other.anchor}">' in html


def test_entries_show_only_the_parts_they_have(client) -> None:
    issue = make_issue(entries=2, others=2)
    bare, full = issue.entries.filter(section=Entry.Section.MAIN).order_by("position")
    bare.article.source = None
    bare.article.canonical_url = "javascript:alert(1)"
    bare.article.title = "无\x07来源"
    bare.article.save()
    bare.article.tags.clear()
    bare.article.links.all().delete()
    quiet, named = issue.entries.filter(section=Entry.Section.OTHERS).order_by("position")
    quiet.article.source = None
    quiet.article.save()

    html = client.get(issue_url(issue)).content.decode()

    bare_section = html[html.index(f'id="{bare.anchor}"') : html.index(f'id="{full.anchor}"')]
    assert "</span> 无来源</h2>" in bare_section
    assert "entry-meta" not in bare_section and "entry-links" not in bare_section
    assert 'class="entry-meta"><a class="publication"' in html
    assert f'<li id="{quiet.anchor}"><a href="{quiet.article.canonical_url}">' in html
    assert (
        "others-publication"
        not in html[html.index(f'<li id="{quiet.anchor}">') :].split("</li>")[0]
    )
    assert f'<span class="others-publication">| {named.article.source.name}</span>' in html


SLUGS = ["智能体", "空 格", "100%", "a?b#c", "x&y=z", "C++", "-_.~", "ready"]


def test_tag_and_publication_links_are_what_reverse_gives(client) -> None:
    issue = make_issue(entries=1, others=0)
    article = issue.entries.get().article
    article.tags.set([Tag.objects.create(name=f"t{n}", slug=slug) for n, slug in enumerate(SLUGS)])
    article.source = Source.objects.create(name="来源", slug="量子 位?%", kind=Source.Kind.WECHAT)
    article.save()

    html = client.get(issue_url(issue)).content.decode()

    for slug in SLUGS:
        assert f'href="{escape(reverse("archive:tag", args=[slug]))}"' in html
    assert f'href="{escape(reverse("archive:source", args=["量子 位?%"]))}"' in html


@pytest.mark.parametrize("slug", SLUGS)
def test_slug_urls_match_reverse_under_any_script_prefix(slug: str) -> None:
    try:
        set_script_prefix("/news/")
        for name in ("archive:tag", "archive:source"):
            assert SlugUrls().url(name, slug) == reverse(name, args=[slug])
    finally:
        set_script_prefix("/")


def test_slug_urls_refuse_what_reverse_refuses() -> None:
    for slug in ("a/b", ""):
        with pytest.raises(NoReverseMatch):
            SlugUrls().url("archive:tag", slug)


def test_issue_the_house_style_cannot_write_still_renders_without_stats_line(client) -> None:
    issue = make_issue(entries=1, others=0)
    article = issue.entries.get().article
    article.canonical_url = "https://example.com/a page with spaces"
    article.save()

    response = client.get(issue_url(issue))

    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert 'class="stats"' not in response.content.decode()


def test_entry_anchor_stays_with_its_article_when_entries_are_reordered(client) -> None:
    issue = make_issue(entries=3, others=0)
    first, second, third = issue.entries.order_by("position")
    before = client.get(issue_url(issue)).content.decode()

    entries_reorder(issue=issue, entry_ids=[third.pk, first.pk, second.pk])
    after = client.get(issue_url(issue)).content.decode()

    assert f'id="{first.anchor}"' in before and f'id="{first.anchor}"' in after
    assert after.index(f'id="{third.anchor}"') < after.index(f'id="{first.anchor}"')


def test_lead_image_uses_stored_thumbnail_srcset_with_size_and_lazy_loading(client) -> None:
    issue = make_issue(entries=1, others=0)
    article = issue.entries.get().article
    article.image.save("lead.png", ContentFile(b"png"), save=False)
    article.image_thumbnail.save("lead.webp", ContentFile(b"webp"), save=False)
    article.image_width, article.image_height = 1200, 600
    article.image_alt = "开发板照片"
    article.save()

    html = client.get(issue_url(issue)).content.decode()

    assert f'src="{article.image_thumbnail.url}"' in html
    assert f'srcset="{article.image_thumbnail.url} 480w, {article.image.url} 1200w"' in html
    assert 'width="1200" height="600" alt="开发板照片" loading="lazy"' in html


def test_lead_image_falls_back_to_origin_url_and_title_as_alt(client) -> None:
    issue = make_issue(entries=1, others=0)
    article = issue.entries.get().article

    html = client.get(issue_url(issue)).content.decode()

    assert f'<img src="{article.image_url}" alt="{article.title}" loading="lazy"' in html
    assert 'referrerpolicy="no-referrer"' in html


def test_issue_page_links_previous_and_next_issues_of_the_digest(client) -> None:
    first = make_issue(number=20210205)
    draft_between = make_issue(number=20210210, publish=False)
    middle = make_issue(number=20210212)
    last = make_issue(number=20210219)

    html = client.get(issue_url(middle)).content.decode()

    assert f'rel="prev" href="{issue_url(first)}"' in html
    assert f'rel="next" href="{issue_url(last)}"' in html
    assert issue_url(draft_between) not in html


def test_issue_page_has_social_cards_canonical_link_and_digest_language(client, settings) -> None:
    settings.SITE_URL = "https://briefroom.example"
    digest = DigestFactory.create(name="Weekly ML", slug="weekly-ml", language="en")
    issue = make_issue(digest=digest, title="Sparse models")

    html = client.get(issue_url(issue)).content.decode()

    assert '<html lang="en">' in html
    assert f'<link rel="canonical" href="https://briefroom.example{issue_url(issue)}">' in html
    assert '<meta property="og:title" content="Sparse models">' in html
    assert '<meta property="og:locale" content="en_US">' in html
    assert '<meta property="og:image" content="https://img.example.com/' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    # The page's own words follow the digest's language: one language on the screen.
    assert 'lang="zh-hans"' not in html
    assert ">Skip to content<" in html and ">Contents<" in html


def test_a_digest_in_a_language_the_site_does_not_speak_keeps_the_site_labels(client) -> None:
    digest = DigestFactory.create(name="Wochenschau", slug="wochenschau", language="de")
    issue = make_issue(digest=digest, title="Kleine Modelle")

    html = client.get(issue_url(issue)).content.decode()

    assert '<html lang="de">' in html
    assert '<header class="site-header" lang="zh-hans">' in html  # the labels say so
    assert ">跳到正文<" in html


def test_tag_and_source_pages_list_articles_of_published_issues_only(client) -> None:
    source = make_source()
    issue = make_issue(entries=1, others=0)
    published_article = issue.entries.get().article
    published_article.source = source
    published_article.save()
    draft = make_issue(entries=0, others=0, publish=False)
    hidden = make_article(title="草稿里的文章", source=source)
    EntryFactory.create(issue=draft, article=hidden)

    tag_html = client.get(reverse("archive:tag", args=["论文"])).content.decode()
    source_html = client.get(reverse("archive:source", args=[source.slug])).content.decode()

    for html in (tag_html, source_html):
        assert published_article.title in html
        assert f"{issue_url(issue)}#{issue.entries.get().anchor}" in html
        assert "草稿里的文章" not in html


def test_seed_issue_renders_every_entry_with_its_stats_line(client, seed_path) -> None:
    issue = issue_import_markdown(text=seed_path.read_text(encoding="utf-8")).issue

    html = client.get(issue_url(issue)).content.decode()

    assert html.count('class="entry"') == issue.entries.filter(section="main").count()
    assert "本文一共 2760 字，通篇阅读结束需要 6~10 分钟" in html
    assert "明年，我要用 AI 给全村写对联" in html
    parse_strict(html.encode())


@pytest.mark.parametrize(
    "name", ["home", "archive", "issue", "digest", "tag", "source", "search", "search-empty"]
)
def test_pages_are_well_formed_html5(client, name: str) -> None:
    issue = make_issue()
    source = issue.entries.first().article.source
    url = {
        "home": "/",
        "archive": reverse("archive:archive"),
        "issue": issue_url(issue),
        "digest": reverse("archive:digest", args=[issue.digest.slug]),
        "tag": reverse("archive:tag", args=["论文"]),
        "source": reverse("archive:source", args=[source.slug]),
        "search": reverse("archive:search") + "?q=摘要",
        "search-empty": reverse("archive:search"),
    }[name]

    response = client.get(url)

    assert response.status_code == 200
    parse_strict(response.content)


# --- visibility -------------------------------------------------------------------------


def test_drafts_and_scheduled_issues_are_not_found_by_readers(client) -> None:
    for issue in draft_and_scheduled():
        assert client.get(issue_url(issue)).status_code == 404


def test_digest_tag_and_source_of_drafts_alone_are_not_found(client) -> None:
    draft = make_issue(publish=False, digest=DigestFactory.create(name="Secret", slug="secret"))
    article = draft.entries.first().article
    article.tags.add(tag("未公开"))

    assert client.get(reverse("archive:digest", args=["secret"])).status_code == 404
    assert client.get(reverse("archive:tag", args=["未公开"])).status_code == 404
    assert client.get(reverse("archive:source", args=[article.source.slug])).status_code == 404


def test_drafts_appear_on_no_list_page(client) -> None:
    hidden = draft_and_scheduled()
    make_issue()

    pages = [
        client.get(url).content.decode()
        for url in ("/", reverse("archive:archive"), reverse("archive:digest", args=["ai-brief"]))
    ]

    for html in pages:
        for issue in hidden:
            assert issue_url(issue) not in html


def test_scheduled_issue_appears_once_its_time_has_come(client) -> None:
    issue = make_issue(publish=False)
    issue_publish(issue=issue, at=timezone.now() + dt.timedelta(hours=1))
    assert client.get(issue_url(issue)).status_code == 404

    Issue.objects.filter(pk=issue.pk).update(published_at=timezone.now() - dt.timedelta(minutes=1))

    assert client.get(issue_url(issue)).status_code == 200


def test_staff_see_a_draft_at_its_public_url_as_an_uncached_preview(staff_client) -> None:
    draft = make_issue(publish=False)

    response = staff_client.get(issue_url(draft))

    assert response.status_code == 200
    assert 'class="preview-banner"' in response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_admin_preview_renders_the_page_with_banner_and_never_cache(client) -> None:
    admin = get_user_model().objects.create_superuser("admin", password="pw")
    client.force_login(admin)
    draft = make_issue(publish=False)

    response = client.get(reverse("admin:digest_issue_preview", args=[draft.pk]))

    assert response.status_code == 200
    assert 'class="preview-banner"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_unpublishing_hides_an_issue_whose_page_was_cached(client) -> None:
    issue = make_issue()
    assert client.get(issue_url(issue)).status_code == 200

    issue_unpublish(issue=issue)

    assert client.get(issue_url(issue)).status_code == 404


def test_a_cached_preview_is_never_served_to_readers_nor_the_reverse(client, staff_client) -> None:
    issue = make_issue(publish=False)
    assert "preview-banner" in staff_client.get(issue_url(issue)).content.decode()

    issue_publish(issue=issue)
    client.logout()
    public = client.get(issue_url(issue)).content.decode()

    assert "preview-banner" not in public
    issue_unpublish(issue=issue)
    staff = get_user_model().objects.get(username="editor")
    client.force_login(staff)
    assert "preview-banner" in client.get(issue_url(issue)).content.decode()


# --- HTTP caching -----------------------------------------------------------------------


def test_issue_page_answers_conditional_get_with_304_without_rendering(client, settings) -> None:
    settings.PAGECACHE_ENABLED = False  # the view's own validators, beneath the page cache
    issue = make_issue()
    first = client.get(issue_url(issue))

    with CaptureQueriesContext(connection) as queries:
        again = client.get(issue_url(issue), HTTP_IF_NONE_MATCH=first["ETag"])
    query_count = len(queries)  # read now: the next request resets the query log
    by_date = client.get(issue_url(issue), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304
    assert again.templates == []
    assert query_count == 1  # the issue with its validators; the content version is known
    assert by_date.status_code == 304


def test_cached_render_is_served_until_the_issue_changes(client) -> None:
    issue = make_issue()
    client.get(issue_url(issue))

    cached = client.get(issue_url(issue))
    article = issue.entries.first().article
    article.title = "改过的标题"
    article.save()
    changed = client.get(issue_url(issue))

    assert cached.templates == []
    assert "改过的标题" in changed.content.decode()


@pytest.mark.parametrize("change", ["article", "link", "tag", "source", "entry", "next issue"])
def test_etag_changes_with_anything_the_page_shows(client, change: str) -> None:
    issue = make_issue(number=20210212)
    before = client.get(issue_url(issue))["ETag"]
    entry = issue.entries.first()
    article = entry.article

    if change == "article":
        article.summary = "新的摘要"
        article.save()
    elif change == "link":
        article.links.update(url="https://changed.example/")  # no signal, no timestamp
        article.links.first().save()
    elif change == "tag":
        article.tags.add(tag("新标签"))
    elif change == "source":
        article.source.name = "新名字"
        article.source.save()
    elif change == "entry":
        Entry.objects.filter(pk=entry.pk).update(title_override="覆盖")
        entry.refresh_from_db()
        entry.save()
    else:
        make_issue(number=20210219)

    response = client.get(issue_url(issue), HTTP_IF_NONE_MATCH=before)

    assert response.status_code == 200
    assert response["ETag"] != before


def test_published_issue_page_does_not_vary_on_cookies(client) -> None:
    issue = make_issue()

    response = client.get(issue_url(issue))

    assert "Cookie" not in response.get("Vary", "")
    assert response["Cache-Control"] == "public, no-cache"


# --- query counts -----------------------------------------------------------------------


def test_issue_page_query_count_does_not_grow_with_entries(client) -> None:
    small = make_issue(entries=5, others=2, number=20210212)
    large = make_issue(entries=50, others=20, number=20210219)

    assert queries_for(client, issue_url(small)) == queries_for(client, issue_url(large))


def test_list_pages_query_count_does_not_grow_with_issues(client) -> None:
    for number in range(20200101, 20200104):
        make_issue(number=number, entries=2, others=1)
    urls = ["/", reverse("archive:archive"), reverse("archive:digest", args=["ai-brief"])]
    few = [queries_for(client, url) for url in urls]

    for number in range(20210101, 20210131):
        make_issue(number=number, entries=2, others=1)
    many = [queries_for(client, url) for url in urls]

    assert few == many


def test_tag_and_source_pages_query_count_does_not_grow_with_articles(client) -> None:
    make_issue(entries=2, others=0, number=20210212)
    source = make_source()
    Issue.objects.get(number=20210212).entries.first().article.__class__.objects.update(
        source=source
    )
    urls = [reverse("archive:tag", args=["论文"]), reverse("archive:source", args=[source.slug])]
    few = [queries_for(client, url) for url in urls]

    make_issue(entries=15, others=0, number=20210219)
    Issue.objects.get(number=20210219).entries.first().article.__class__.objects.update(
        source=source
    )
    many = [queries_for(client, url) for url in urls]

    assert few == many


# --- safety -----------------------------------------------------------------------------

XSS = "<img src=x onerror=alert(1)><svg onload=alert(2)>\"'><script>alert(3)</script>"


def test_scraped_fields_and_summaries_cannot_inject_markup(client) -> None:
    issue = make_issue(entries=1, others=1)
    for entry in issue.entries.all():
        article = entry.article
        article.title = XSS
        article.summary = f"{XSS}\n\n[x](jav&#x09;ascript:alert(4)) [y](JaVaScRiPt:alert(5))"
        article.image_url = "javascript:alert(6)"
        article.image_alt = XSS
        article.canonical_url = f"javascript:alert({article.pk})"
        article.save()
        article.source.name = f"{XSS} {article.pk}"
        article.source.save()
        article.links.update(url="javascript:alert(7)", label=XSS)
    issue.intro = XSS

    issue.save()
    html = client.get(issue_url(issue)).content.decode()

    document = html5lib.parse(html, namespaceHTMLElements=False)
    assert document.findall(".//script") == []
    assert document.findall(".//svg") == []
    for element in document.iter():
        for name, value in element.attrib.items():
            assert not name.startswith("on")
            assert not value.strip().lower().startswith("javascript:")
    parse_strict(html.encode())


def test_public_pages_send_a_strict_content_security_policy(client) -> None:
    issue = make_issue()

    for url in ("/", issue_url(issue), reverse("archive:search") + "?q=x"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "img-src 'self' https: http: data:" in policy


def test_public_pages_have_no_inline_script_or_style(client) -> None:
    issue = make_issue()

    document = html5lib.parse(client.get(issue_url(issue)).content, namespaceHTMLElements=False)

    assert document.findall(".//script") == []
    assert document.findall(".//style") == []
    assert [e for e in document.iter() if "style" in e.attrib] == []
