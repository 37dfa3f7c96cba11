"""The issue workbench's page, fragments and autosaving writes, through the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from digest import services
from digest.models import Entry, Issue
from tests.factories import ArticleFactory, DigestFactory, IssueFactory, editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(client):
    user = editor()
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.user = user
    return client


@pytest.fixture
def issue() -> Issue:
    issue = services.issue_create(digest=DigestFactory.create(), number=20260101)
    for title in ("第一条", "第二条", "第三条"):
        services.entry_add(issue=issue, article=ArticleFactory.create(title=title))
    services.entry_add(
        issue=issue, article=ArticleFactory.create(title="其他一"), section=Entry.Section.OTHERS
    )
    issue.refresh_from_db()
    return issue


def url(name: str, issue: Issue, *args: int) -> str:
    return reverse(f"admin:digest_issue_workbench{name}", args=[issue.pk, *args])


def titles(issue: Issue, section: str = "main") -> list[str]:
    return [e.title for e in issue.entries.filter(section=section).order_by("position")]


def entry(issue: Issue, title: str) -> Entry:
    return issue.entries.get(article__title=title)


def test_the_page_shows_candidates_and_the_issue_as_it_will_read(chief, issue) -> None:
    ArticleFactory.create(title="新候选")
    response = chief.get(url("", issue))
    assert response.status_code == 200
    body = response.content.decode()
    assert "新候选" in body
    assert "第一条" in body and "其他一" in body
    assert f'data-revision="{issue.revision}"' in body
    assert "3 条相关新闻" in body  # the intro's {count} is filled in
    assert "本文一共" in body  # the stats line


def test_candidates_leave_out_this_issue_other_issues_and_old_articles(chief, issue) -> None:
    fresh = ArticleFactory.create(title="Fresh")
    old = ArticleFactory.create(title="Old")
    Article.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30), fetched_at=None
    )
    other = IssueFactory.create(digest=issue.digest)
    used = ArticleFactory.create(title="Used")
    Entry.objects.create(issue=other, article=used, position=1)
    body = chief.get(url("_candidates", issue)).content.decode()
    assert "Fresh" in body and "Old" not in body and "Used" not in body and "第一条" not in body
    body = chief.get(url("_candidates", issue), {"used": "on", "anytime": "on"}).content.decode()
    assert "Old" in body and "Used" in body
    assert f"Already in issue {other.number}" in body
    body = chief.get(url("_candidates", issue), {"q": "Fresh"}).content.decode()
    assert "Fresh" in body and "Used" not in body
    assert fresh.pk


def test_candidate_queries_do_not_grow_with_rows(chief, issue) -> None:
    other = IssueFactory.create(digest=issue.digest)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            chief.get(url("_candidates", issue), {"used": "on"})
        return len(queries)

    ArticleFactory.create()
    few = count()
    for n in range(12):
        article = ArticleFactory.create()
        Entry.objects.create(issue=other, article=article, position=n + 1)
    assert count() == few


def test_adding_a_candidate_places_it_and_answers_the_new_revision(chief, issue) -> None:
    article = ArticleFactory.create(title="新来的")
    response = chief.post(
        url("_add", issue),
        {"article": article.pk, "section": "main", "index": 1, "revision": issue.revision},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    issue.refresh_from_db()
    assert data["revision"] == issue.revision
    assert titles(issue) == ["第一条", "新来的", "第二条", "第三条"]
    assert "新来的" in data["pane"]
    assert issue.revisions.first().author == chief.user


def test_reordering_within_the_main_list(chief, issue) -> None:
    moved = entry(issue, "第三条")
    response = chief.post(
        url("_arrange", issue, moved.pk),
        {"section": "main", "index": 0, "revision": issue.revision},
    )
    assert response.status_code == 200
    assert titles(issue) == ["第三条", "第一条", "第二条"]
    assert "number 1" in response.json()["announce"]


def test_moving_an_entry_to_others_and_back(chief, issue) -> None:
    moved = entry(issue, "第一条")
    response = chief.post(
        url("_arrange", issue, moved.pk),
        {"section": "others", "index": 0, "revision": issue.revision},
    )
    assert response.status_code == 200
    assert titles(issue) == ["第二条", "第三条"]
    assert titles(issue, "others") == ["第一条", "其他一"]
    response = chief.post(
        url("_arrange", issue, moved.pk),
        {"section": "main", "index": 2, "revision": response.json()["revision"]},
    )
    assert response.status_code == 200
    assert titles(issue) == ["第二条", "第三条", "第一条"]


def test_editing_an_override_keeps_the_article(chief, issue) -> None:
    edited = entry(issue, "第二条")
    response = chief.post(
        url("_edit", issue, edited.pk),
        {"title_override": "改过的标题", "revision": issue.revision},
    )
    assert response.status_code == 200
    edited.refresh_from_db()
    assert edited.title_override == "改过的标题" and edited.summary_override == ""
    assert edited.article.title == "第二条"
    assert "改过的标题" in response.json()["pane"]


def test_removing_an_entry(chief, issue) -> None:
    removed = entry(issue, "第二条")
    response = chief.post(url("_remove", issue, removed.pk), {"revision": issue.revision})
    assert response.status_code == 200
    assert titles(issue) == ["第一条", "第三条"]
    assert "Removed" in response.json()["announce"]


def test_a_stale_write_is_refused_with_both_versions(chief, issue) -> None:
    opened = issue.revision
    edited = entry(issue, "第一条")
    services.entry_update(
        entry=edited, data={"title_override": "别人的标题"}, expected_revision=opened
    )
    response = chief.post(
        url("_edit", issue, edited.pk), {"title_override": "我的标题", "revision": opened}
    )
    assert response.status_code == 409
    data = response.json()
    edited.refresh_from_db()
    assert edited.title_override == "别人的标题"  # nothing silently overwritten
    assert data["revision"] == opened + 1
    assert "别人的标题" in data["conflict"] and "我的标题" in data["conflict"]
    assert f"Revision {opened + 1}" in data["conflict"]  # what was saved meanwhile
    assert "别人的标题" in data["pane"]
    # Re-applied on the current revision, it is saved.
    response = chief.post(
        url("_edit", issue, edited.pk), {"title_override": "我的标题", "revision": data["revision"]}
    )
    assert response.status_code == 200
    edited.refresh_from_db()
    assert edited.title_override == "我的标题"


def test_a_stale_reorder_is_refused_and_reapplies_on_the_current_order(chief, issue) -> None:
    opened = issue.revision
    services.entry_add(issue=issue, article=ArticleFactory.create(title="第四条"))
    moved = entry(issue, "第三条")
    response = chief.post(
        url("_arrange", issue, moved.pk), {"section": "main", "index": 0, "revision": opened}
    )
    assert response.status_code == 409
    assert titles(issue) == ["第一条", "第二条", "第三条", "第四条"]
    response = chief.post(
        url("_arrange", issue, moved.pk),
        {"section": "main", "index": 0, "revision": response.json()["revision"]},
    )
    assert response.status_code == 200
    assert titles(issue) == ["第三条", "第一条", "第二条", "第四条"]


def test_editing_the_intro(chief, issue) -> None:
    response = chief.post(
        url("_issue", issue), {"intro": "本期 {count} 条。", "revision": issue.revision}
    )
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.intro == "本期 {count} 条。"
    assert "本期 3 条。" in response.json()["pane"]
    preview = chief.get(url("_intro", issue), {"intro": "共 {count} 条"})
    assert preview.content.decode() == "共 3 条"


def test_pasting_a_blocked_url_fails_in_words_and_is_not_added(
    chief, issue, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = chief.post(
            url("_paste", issue), {"urls": "http://127.0.0.1:9/private\nnot a url", "into": "issue"}
        )
    assert response.status_code == 200
    article = Article.objects.get(canonical_url__startswith="http://127.0.0.1:9/")
    response = chief.get(url("_paste_status", issue), {"ids": article.pk, "into": "issue"})
    body = response.content.decode()
    article.refresh_from_db()
    assert article.fetch_state == Article.FetchState.FAILED
    assert "The address is not allowed" in body
    assert "Not added to the issue." in body
    assert "data-ready" not in body
    assert not issue.entries.filter(article=article).exists()
    # A failed article is refused even if a page asks for it.
    refused = chief.post(
        url("_add", issue), {"article": article.pk, "section": "main", "revision": issue.revision}
    )
    assert refused.status_code == 400
    assert not issue.entries.filter(article=article).exists()


def test_writes_need_post_and_the_change_permission(client, issue) -> None:
    from tests.factories import contributor

    client.force_login(contributor())
    page = client.get(url("", issue))
    assert page.status_code == 200  # contributors may look
    body = page.content.decode()
    assert 'data-readonly="true"' in body and "wb-remove" not in body and "wb-paste" not in body
    assert client.get(url("_remove", issue, entry(issue, "第一条").pk)).status_code == 405
    moved = entry(issue, "第一条")
    response = client.post(url("_remove", issue, moved.pk), {"revision": issue.revision})
    assert response.status_code == 403
    assert issue.entries.filter(pk=moved.pk).exists()


def test_adding_an_issue_opens_its_workbench(chief) -> None:
    digest = DigestFactory.create()
    response = chief.post(
        reverse("admin:digest_issue_add"),
        {
            "digest": digest.pk,
            "number": 5,
            "issue_date": "2026-01-02",
            "intro": "",
            "entries-TOTAL_FORMS": 0,
            "entries-INITIAL_FORMS": 0,
        },
    )
    issue = Issue.objects.get(number=5)
    assert response.status_code == 302
    assert response["Location"] == url("", issue)


def test_issue_list_and_change_page_link_to_the_workbench(chief, issue) -> None:
    workbench = url("", issue)
    assert workbench in chief.get(reverse("admin:digest_issue_changelist")).content.decode()
    change = chief.get(reverse("admin:digest_issue_change", args=[issue.pk])).content.decode()
    assert workbench in change


def test_acting_on_an_entry_someone_removed_is_a_conflict(chief, issue) -> None:
    opened = issue.revision
    gone = entry(issue, "第二条")
    gone_id = gone.pk
    services.entry_remove(entry=gone, expected_revision=opened)
    response = chief.post(
        url("_edit", issue, gone_id), {"title_override": "晚了", "revision": opened}
    )
    assert response.status_code == 409
    assert "Removed from the issue by someone else." in response.json()["conflict"]
    issue.refresh_from_db()
    response = chief.post(url("_remove", issue, gone_id), {"revision": issue.revision})
    assert response.status_code == 404


def test_candidates_filter_by_source_kind_tag_and_fetch_state(chief, issue) -> None:
    from articles.models import Tag
    from tests.factories import SourceFactory

    source = SourceFactory.create(name="量子位")
    tag = Tag.objects.create(name="模型")
    paper = ArticleFactory.create(title="Paper", kind=Article.Kind.ARXIV, source=source)
    paper.tags.add(tag)
    ArticleFactory.create(title="Failed", fetch_state=Article.FetchState.FAILED)
    ArticleFactory.create(title="Plain")

    def shown(**filters) -> set[str]:
        body = chief.get(url("_candidates", issue), filters).content.decode()
        return {t for t in ("Paper", "Failed", "Plain") if t in body}

    assert shown() == {"Paper", "Failed", "Plain"}
    assert shown(source=source.pk) == {"Paper"}
    assert shown(kind="arxiv") == {"Paper"}
    assert shown(tag=tag.pk) == {"Paper"}
    assert shown(fetch_state="failed") == {"Failed"}


def test_history_lists_revisions_and_diffs_any_two(chief, issue) -> None:
    services.entry_update(
        entry=entry(issue, "第二条"), data={"title_override": "门槛很高"}, by=chief.user
    )
    issue.refresh_from_db()
    body = chief.get(url("_history", issue)).content.decode()
    assert "“第二条”" in body and "eddie" in body  # the summary, in the language it was made in
    assert f'data-number="{issue.revision - 1}"' in body  # the older ones can be restored
    diff = chief.get(url("_diff", issue), {"old": issue.revision - 1, "new": issue.revision})
    html = diff.content.decode()
    assert '<li class="wb-removed">' in html and "<ins>门槛很高</ins>" in html
    missing = chief.get(url("_diff", issue), {"old": 999, "new": issue.revision})
    assert "wb-error" in missing.content.decode()


def test_restoring_a_revision_makes_a_new_one(chief, issue) -> None:
    before = issue.revision
    services.entry_remove(entry=entry(issue, "第一条"))
    issue.refresh_from_db()
    response = chief.post(url("_restore", issue), {"number": before, "revision": issue.revision})
    assert response.status_code == 200, response.content
    assert titles(issue) == ["第一条", "第二条", "第三条"]
    issue.refresh_from_db()
    assert issue.revision == before + 2
    assert response.json()["revision"] == issue.revision
    stale = chief.post(url("_restore", issue), {"number": before, "revision": before})
    assert stale.status_code == 409


def test_publishing_shows_the_checklist_and_publishes_the_saved_revision(chief, issue) -> None:
    checklist = chief.get(url("_checklist", issue)).content.decode()
    assert "has no image" in checklist and "wb-publish" in checklist
    opened = issue.revision
    services.entry_update(entry=entry(issue, "第一条"), data={"title_override": "新标题"})
    stale = chief.post(url("_publish", issue), {"revision": opened})
    assert stale.status_code == 409
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    response = chief.post(url("_publish", issue), {"revision": issue.revision})
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED
    assert issue.revisions.first().author == chief.user


def test_an_empty_issue_is_not_published(chief) -> None:
    empty = services.issue_create(digest=DigestFactory.create(), number=3)
    checklist = chief.get(url("_checklist", empty)).content.decode()
    assert "no entries" in checklist and "wb-publish" not in checklist
    response = chief.post(url("_publish", empty), {"revision": empty.revision})
    assert response.status_code == 400
    assert "no entries" in response.json()["error"]
    empty.refresh_from_db()
    assert empty.status == Issue.Status.DRAFT


def test_publishing_needs_the_publish_permission(client, issue) -> None:
    from django.contrib.auth.models import Permission

    from tests.factories import contributor

    user = contributor()
    user.user_permissions.add(Permission.objects.get(codename="change_issue"))
    client.force_login(user)
    response = client.post(url("_publish", issue), {"revision": issue.revision})
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_the_diff_speaks_the_editors_language(chief, issue) -> None:
    services.entry_remove(entry=entry(issue, "第一条"))
    issue.refresh_from_db()
    diff = chief.get(
        url("_diff", issue),
        {"old": issue.revision - 1, "new": issue.revision},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "期号：" in diff and "出刊日期：" in diff and "状态：" in diff
    assert "Number" not in diff
