import io

import pytest
from django.core.management import CommandError, call_command

from digest.models import Digest, Issue
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

SMALL_ISSUE = """[TOC]

> 导读： 本期为 测试简报 20240102 期，将为您带来 1 条相关新闻，新年快乐
>
> 本文一共 30 字，通篇阅读结束需要 1~2 分钟

# 1. [一篇测试文章](https://example.com/post?utm_source=x) | 示例站

![](https://example.com/cover.png)

第一段摘要。

> 原文链接：https://example.com/post

# 2. 其他

- [另一篇](https://github.com/google/jax) | GitHub
"""


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_then_export_round_trips_a_small_issue(tmp_path) -> None:
    path = tmp_path / "issue.md"
    path.write_text(SMALL_ISSUE, encoding="utf-8")
    assert run("import_issue", str(path)).strip() == "20240102"
    digest = Digest.objects.get(name="测试简报")
    issue = Issue.objects.get(digest=digest, number=20240102)
    assert issue.status == Issue.Status.PUBLISHED
    exported = run("export_issue", "20240102", "--format", "markdown")
    assert exported == SMALL_ISSUE.replace("?utm_source=x", "")


def test_import_is_idempotent_and_honours_status(tmp_path) -> None:
    path = tmp_path / "issue.md"
    path.write_text(SMALL_ISSUE, encoding="utf-8")
    run("import_issue", str(path), "--status", "draft")
    run("import_issue", str(path), "--status", "draft")
    issue = Issue.objects.get()
    assert issue.status == Issue.Status.DRAFT
    assert issue.entries.count() == 2


def test_import_into_a_named_digest(tmp_path) -> None:
    Digest.objects.create(name="Other", slug="other")
    path = tmp_path / "issue.md"
    path.write_text(SMALL_ISSUE, encoding="utf-8")
    run("import_issue", str(path), "--digest", "other")
    assert Issue.objects.get().digest.slug == "other"


def test_import_reports_bad_files_clearly(tmp_path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("# not an issue\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("import_issue", str(path), stdout=io.StringIO(), stderr=err)
    assert "bad.md" in err.getvalue()
    with pytest.raises(CommandError, match="does not exist"):
        run("import_issue", str(tmp_path / "missing.md"))
    with pytest.raises(CommandError, match="no digest"):
        run("import_issue", str(path), "--digest", "nope")


def test_export_needs_an_existing_issue() -> None:
    with pytest.raises(CommandError, match="no issue number 1"):
        run("export_issue", "1")


def test_export_asks_for_the_digest_when_numbers_collide() -> None:
    EntryFactory.create(issue__number=5)
    other = Digest.objects.create(name="B", slug="b")
    EntryFactory.create(issue__number=5, issue__digest=other)
    with pytest.raises(CommandError, match="--digest"):
        run("export_issue", "5")
    assert run("export_issue", "5", "--digest", "b").startswith("[TOC]")


def test_load_demo_is_repeatable_and_creates_an_editor(monkeypatch) -> None:
    monkeypatch.delenv("BRIEFROOM_EDITOR_PASSWORD", raising=False)
    first = run("load_demo")
    assert "shown only this once" in first
    second = run("load_demo")
    assert "shown only this once" not in second
    assert Issue.objects.published().count() == 1
    assert Issue.objects.filter(status="draft").count() == 1
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="editor")
    assert user.is_staff and user.has_perm("digest.publish_issue")


def test_demo_issue_exports_in_house_style() -> None:
    run("load_demo")
    issue = Issue.objects.published().get()
    text = run("export_issue", str(issue.number))
    assert "将为您带来 3 条相关新闻" in text
    assert "# 4. 其他" in text
