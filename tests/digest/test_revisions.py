"""Every saved change to an issue bumps its revision and records who, what and a snapshot."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from digest.exporters import export_issue
from digest.models import Entry, Issue, IssueRevision
from digest.revisions import (
    issue_publish_checklist,
    revision_get,
    revision_markdown,
    revision_restore,
    revisions_diff,
    text_diff,
)
from digest.selectors import issue_revisions
from digest.services import (
    IssueError,
    StaleRevision,
    entries_reorder,
    entry_add,
    entry_move,
    entry_remove,
    entry_update,
    issue_create,
    issue_publish,
    issue_unpublish,
    issue_update,
)
from tests.factories import ArticleFactory, DigestFactory, EntryFactory, IssueFactory, editor

pytestmark = pytest.mark.django_db


def test_a_new_issue_starts_at_revision_one_with_its_snapshot() -> None:
    user = editor()
    issue = issue_create(digest=DigestFactory.create(), title="第一期", by=user)

    assert issue.revision == 1
    first = issue_revisions(issue=issue).get()
    assert (first.number, first.author, first.snapshot["title"]) == (1, user, "第一期")
    assert first.snapshot["entries"] == []


def test_each_write_bumps_the_revision_and_records_its_author_and_summary() -> None:
    user = editor()
    issue = IssueFactory.create()
    article = ArticleFactory.create(title="大模型周报")

    issue_update(issue=issue, data={"title": "新标题"}, by=user)
    entry, _ = entry_add(issue=issue, article=article, by=user)
    entry_update(entry=entry, data={"summary_override": "编辑的摘要"}, by=user)
    issue_publish(issue=issue, by=user)
    issue_unpublish(issue=issue, by=user)

    issue.refresh_from_db()
    assert issue.revision == 6
    revisions = list(issue_revisions(issue=issue))
    assert [r.number for r in revisions] == [6, 5, 4, 3, 2]
    assert all(r.author == user for r in revisions)
    assert "大模型周报" in revisions[3].summary
    assert revisions[2].snapshot["entries"][0]["summary_override"] == "编辑的摘要"
    assert revisions[1].snapshot["status"] == Issue.Status.PUBLISHED
    assert revisions[0].snapshot["status"] == Issue.Status.DRAFT


def test_a_write_that_changes_nothing_records_no_revision() -> None:
    issue = IssueFactory.create(title="同一个")
    entry = EntryFactory.create(issue=issue)

    issue_update(issue=issue, data={"title": "同一个"})
    entry_add(issue=issue, article=entry.article)
    entries_reorder(issue=issue, entry_ids=[entry.pk])

    assert Issue.objects.get(pk=issue.pk).revision == 1
    assert not IssueRevision.objects.filter(issue=issue).exists()


def test_a_stale_write_is_refused_with_the_current_revision_and_the_attempt() -> None:
    issue = IssueFactory.create()
    issue_update(issue=issue, data={"title": "甲的标题"}, expected_revision=1)
    stale = Issue.objects.get(pk=issue.pk)
    stale.revision = 1  # a second editor's form, opened before the first save

    with pytest.raises(StaleRevision) as refused:
        issue_update(issue=stale, data={"title": "乙的标题"}, expected_revision=1)

    assert refused.value.current == 2
    assert refused.value.attempted == {"title": "乙的标题"}
    assert Issue.objects.get(pk=issue.pk).title == "甲的标题"


@pytest.mark.parametrize("write", ["add", "reorder", "move", "update", "remove", "publish"])
def test_every_entry_and_status_write_checks_the_expected_revision(write: str) -> None:
    issue = IssueFactory.create()
    first = EntryFactory.create(issue=issue, position=1)
    second = EntryFactory.create(issue=issue, position=2)
    issue_update(issue=issue, data={"intro": "改过了"})
    calls = {
        "add": lambda: entry_add(issue=issue, article=ArticleFactory.create(), expected_revision=1),
        "reorder": lambda: entries_reorder(
            issue=issue, entry_ids=[second.pk, first.pk], expected_revision=1
        ),
        "move": lambda: entry_move(entry=first, section="others", expected_revision=1),
        "update": lambda: entry_update(
            entry=first, data={"title_override": "x"}, expected_revision=1
        ),
        "remove": lambda: entry_remove(entry=first, expected_revision=1),
        "publish": lambda: issue_publish(issue=issue, expected_revision=1),
    }

    with pytest.raises(StaleRevision):
        calls[write]()

    issue.refresh_from_db()
    assert issue.revision == 2 and issue.status == Issue.Status.DRAFT
    assert list(issue.entries.order_by("position").values_list("pk", "section")) == [
        (first.pk, "main"),
        (second.pk, "main"),
    ]


def test_the_current_revision_is_accepted_and_the_callers_copy_follows() -> None:
    issue = IssueFactory.create()
    issue_update(issue=issue, data={"title": "一"}, expected_revision=1)
    issue_update(issue=issue, data={"title": "二"}, expected_revision=issue.revision)

    assert issue.revision == 3
    assert Issue.objects.get(pk=issue.pk).title == "二"


def test_two_entries_cannot_share_a_position_in_a_section() -> None:
    issue = IssueFactory.create()
    EntryFactory.create(issue=issue, position=3)

    with pytest.raises(IssueError):
        entry_add(issue=issue, article=ArticleFactory.create(), position=3)
    entry_add(issue=issue, article=ArticleFactory.create(), position=3, section="others")

    assert Entry.objects.filter(issue=issue, position=3).count() == 2


def test_reordering_swaps_positions_without_colliding() -> None:
    issue = IssueFactory.create()
    entries = [EntryFactory.create(issue=issue, position=p) for p in (1, 2, 5)]
    order = [entries[2].pk, entries[0].pk, entries[1].pk]

    entries_reorder(issue=issue, entry_ids=order)

    assert list(issue.entries.order_by("position").values_list("pk", "position")) == [
        (order[0], 1),
        (order[1], 2),
        (order[2], 3),
    ]


# --- digest/revisions.py: reading, comparing and restoring revisions ----------------------


def _issue_with_history():
    """An issue whose revision 2 has two entries, and revision 5 a different state."""
    user = editor()
    issue = issue_create(digest=DigestFactory.create(), title="初稿", intro="旧导读", by=user)
    first = ArticleFactory.create(title="门槛不高的模型", summary="第一条摘要")
    second = ArticleFactory.create(title="第二篇", summary="第二条摘要")
    entry_one, _ = entry_add(issue=issue, article=first, by=user)  # revision 2
    entry_two, _ = entry_add(issue=issue, article=second, by=user)  # revision 3
    entry_update(entry=entry_one, data={"title_override": "门槛不高"}, by=user)  # 4
    issue_update(issue=issue, data={"title": "定稿", "intro": "新导读"}, by=user)  # 5
    return issue, user, entry_one, entry_two


def test_revision_markdown_is_the_export_as_the_snapshot_had_it() -> None:
    issue, _user, _one, _two = _issue_with_history()
    third = ArticleFactory.create(title="第三篇")
    entry_add(issue=issue, article=third)  # revision 6

    old = revision_markdown(revision_get(issue=issue, number=3))
    now = revision_markdown(revision_get(issue=issue, number=6))

    assert now == export_issue(Issue.objects.get(pk=issue.pk), "markdown")
    assert "旧导读" in old and "新导读" not in old
    assert "门槛不高的模型" in old and "第二篇" in old and "第三篇" not in old
    assert old.index("门槛不高的模型") < old.index("第二篇")
    assert "[门槛不高]" in revision_markdown(revision_get(issue=issue, number=4))


def test_revision_markdown_keeps_sections_and_skips_deleted_articles() -> None:
    issue = IssueFactory.create()
    kept = ArticleFactory.create(title="留下的")
    gone = ArticleFactory.create(title="删掉的")
    entry_add(issue=issue, article=kept, section="others")
    entry, _ = entry_add(issue=issue, article=gone)
    entry_remove(entry=entry)
    gone.delete()

    text = revision_markdown(revision_get(issue=issue, number=3))

    assert "删掉的" not in text
    assert "- [留下的]" in text


def test_revisions_diff_marks_one_cjk_character_in_a_changed_line() -> None:
    lines = text_diff("标题\n这个门槛不高。\n结尾\n", "标题\n这个门槛很高。\n结尾\n新的一行\n")

    assert [line.kind for line in lines] == ["same", "changed", "same", "added"]
    changed = lines[1]
    assert [s.text for s in changed.old if s.changed] == ["不"]
    assert [s.text for s in changed.new if s.changed] == ["很"]
    assert "".join(s.text for s in changed.new) == "这个门槛很高。"


def test_revisions_diff_marks_whole_latin_words() -> None:
    [line] = text_diff("a fast model here", "a slow model here")

    assert [s.text for s in line.new if s.changed] == ["slow"]


def test_revisions_diff_compares_two_revisions_of_an_issue() -> None:
    issue, *_ = _issue_with_history()

    lines = revisions_diff(issue=issue, old=3, new=5)

    removed = ["".join(s.text for s in line.old) for line in lines if line.kind != "same"]
    added = ["".join(s.text for s in line.new) for line in lines if line.kind != "same"]
    assert any("初稿" in text for text in removed)
    assert any("定稿" in text for text in added)
    assert any("新导读" in text for text in added)
    with pytest.raises(IssueError):
        revisions_diff(issue=issue, old=3, new=99)


def test_restoring_brings_back_fields_and_entries_as_a_new_revision() -> None:
    issue, user, entry_one, entry_two = _issue_with_history()
    entries_reorder(issue=issue, entry_ids=[entry_two.pk, entry_one.pk])  # 6
    entry_remove(entry=entry_two)  # 7
    entry_add(issue=issue, article=ArticleFactory.create(title="后加的"), section="others")  # 8

    with translation.override("en"):
        revision_restore(issue=issue, number=3, by=user, expected_revision=8)

    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.title, saved.intro, saved.revision, issue.revision) == ("初稿", "旧导读", 9, 9)
    assert list(saved.entries.values_list("article_id", "section", "position")) == [
        (entry_one.article_id, "main", 1),
        (entry_two.article_id, "main", 2),
    ]
    assert saved.entries.get(article_id=entry_one.article_id).title_override == ""
    assert saved.entries.get(article_id=entry_one.article_id).pk == entry_one.pk
    newest = issue_revisions(issue=issue)[0]
    assert (newest.summary, newest.author) == ("Restored revision 3", user)
    assert revision_markdown(newest) == revision_markdown(revision_get(issue=issue, number=3))


def test_restoring_names_the_articles_deleted_since() -> None:
    issue = IssueFactory.create()
    gone = ArticleFactory.create()
    entry, _ = entry_add(issue=issue, article=gone)
    entry_update(entry=entry, data={"title_override": "已删除的文章"})
    entry_remove(entry=entry)
    gone_id = gone.pk
    gone.delete()
    issue_update(issue=issue, data={"title": "后来"})

    revision_restore(issue=issue, number=3)

    summary = issue_revisions(issue=issue)[0].summary
    assert "已删除的文章" in summary and f"#{gone_id}" in summary
    assert not issue.entries.exists()
    assert Issue.objects.get(pk=issue.pk).title == ""


def test_restoring_is_refused_on_a_published_issue_and_when_stale() -> None:
    issue, *_ = _issue_with_history()
    issue_publish(issue=issue)  # 6

    with translation.override("en"), pytest.raises(IssueError, match="unpublish"):
        revision_restore(issue=issue, number=2)
    issue_unpublish(issue=issue)  # 7
    with pytest.raises(StaleRevision):
        revision_restore(issue=issue, number=2, expected_revision=6)

    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.revision, saved.title, saved.entries.count()) == (7, "定稿", 2)


def test_restoring_keeps_the_status_and_records_nothing_when_nothing_changes() -> None:
    issue, *_ = _issue_with_history()
    issue_publish(issue=issue)  # 6, snapshot says published
    issue_unpublish(issue=issue)  # 7

    revision_restore(issue=issue, number=6)

    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.status, saved.revision) == (Issue.Status.DRAFT, 7)


def test_the_publish_checklist_blocks_an_empty_issue() -> None:
    checklist = issue_publish_checklist(IssueFactory.create())

    assert checklist.blocking
    assert checklist.items[0].entry_id is None


def test_the_publish_checklist_warns_about_each_entry() -> None:
    digest = DigestFactory.create()
    reused = ArticleFactory.create(title="旧闻", summary="s", image_url="https://e.com/a.png")
    older = IssueFactory.create(digest=digest, number=5)
    EntryFactory.create(issue=older, article=reused)
    issue_publish(issue=older)
    issue = IssueFactory.create(digest=digest, number=6)
    bare = EntryFactory.create(issue=issue, article=ArticleFactory.create(title="光秃秃"))
    overridden = EntryFactory.create(
        issue=issue,
        article=ArticleFactory.create(title="有覆盖", image_url="https://e.com/b.png"),
        summary_override="编辑写的摘要",
    )
    failed = EntryFactory.create(
        issue=issue,
        article=ArticleFactory.create(
            title="失败", summary="s", image_url="https://e.com/c.png", fetch_state="failed"
        ),
    )
    pending = EntryFactory.create(
        issue=issue,
        article=ArticleFactory.create(
            title="等待", summary="s", image_url="https://e.com/d.png", fetch_state="pending"
        ),
    )
    again = EntryFactory.create(issue=issue, article=reused)
    twin = EntryFactory.create(
        issue=issue,
        article=ArticleFactory.create(
            title="双胞胎",
            canonical_url="http://www.example.com/articles/x/",
            submitted_url="https://example.com/articles/x",
        ),
        section="others",
    )
    EntryFactory.create(
        issue=issue,
        article=ArticleFactory.create(
            title="又一个", canonical_url="https://example.com/articles/x#top"
        ),
        section="others",
    )

    with translation.override("en"):
        checklist = issue_publish_checklist(issue)

    by_entry: dict[int | None, list[str]] = {}
    for item in checklist.items:
        by_entry.setdefault(item.entry_id, []).append(item.message)
    assert not checklist.blocking
    assert by_entry[bare.pk] == ["“光秃秃” has no summary.", "“光秃秃” has no image."]
    assert overridden.pk not in by_entry
    assert by_entry[failed.pk] == ["Fetching “失败” failed."]
    assert by_entry[pending.pk] == ["“等待” has not been fetched yet."]
    assert by_entry[again.pk] == ["“旧闻” is already in published issue 5."]
    assert twin.pk not in by_entry
    [duplicate] = [k for k in by_entry if k not in (bare.pk, failed.pk, pending.pk, again.pk)]
    assert by_entry[duplicate] == ["“又一个” links to the same page as “双胞胎”."]


def test_the_publish_checklist_costs_the_same_queries_for_many_entries(
    django_assert_max_num_queries,
) -> None:
    issue = IssueFactory.create()
    for _ in range(3):
        EntryFactory.create(issue=issue)
    with CaptureQueriesContext(connection) as few:
        issue_publish_checklist(issue)
    for _ in range(12):
        EntryFactory.create(issue=issue, article=ArticleFactory.create(fetch_state="failed"))

    with django_assert_max_num_queries(len(few.captured_queries)):
        checklist = issue_publish_checklist(issue)
    assert len(checklist.items) >= 12


def test_revisions_diff_splits_mixed_latin_and_cjk_text() -> None:
    [line] = text_diff("用GPT模型写𠀀摘要", "用GPT模型改𠀀摘要")

    assert [s.text for s in line.old if s.changed] == ["写"]
    assert [s.text for s in line.new if s.changed] == ["改"]


def _sides(lines: list) -> tuple[list[str], list[str]]:
    old = [
        "".join(s.text for s in line.old)
        for line in lines
        if line.kind in ("same", "removed", "changed")
    ]
    new = [
        "".join(s.text for s in line.new)
        for line in lines
        if line.kind in ("same", "added", "changed")
    ]
    return old, new


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ([], []),
        (["甲"], []),
        ([], ["乙"]),
        (["a", "b", "c"], ["a", "b", "c"]),
        (["a", "b", "c"], ["a", "b"]),
        (["a", "b"], ["a", "b", "c"]),
        (["x", "a", "x"], ["x", "x"]),
        (["门槛不高", "同", "尾"], ["门槛很高", "同", "尾"]),
        ([f"第 {n} 条" for n in range(300)], [f"第 {n} 条" for n in range(300) if n != 150]),
    ],
)
def test_a_diff_gives_back_both_texts_line_for_line(old, new) -> None:
    from digest.revisions import text_diff

    lines = text_diff("\n".join(old), "\n".join(new))

    assert _sides(lines) == (old, new)
    if old == new:
        assert all(line.kind == "same" for line in lines)
