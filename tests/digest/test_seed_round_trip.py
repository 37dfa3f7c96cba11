"""The real seed issue through the database: import_issue, then export_issue, gives it back."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from digest.models import Entry, Issue
from sources.models import Source
from tests.support.housestyle_diff import assert_house_equivalent

pytestmark = [pytest.mark.django_db, pytest.mark.shared]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


def test_import_then_export_reproduces_the_seed(seed_path, seed_text) -> None:
    assert run("import_issue", str(seed_path)).strip() == "20210219"
    exported = run("export_issue", "20210219", "--format", "markdown")
    assert_house_equivalent(exported, seed_text, sections=1 + 8 + 1)


def test_import_builds_sources_articles_entries_and_links(seed_path) -> None:
    run("import_issue", str(seed_path))
    issue = Issue.objects.get(number=20210219)
    assert issue.digest.name == "AI 简报"
    assert issue.status == Issue.Status.PUBLISHED and issue.published_at
    assert issue.entries.filter(section=Entry.Section.MAIN).count() == 8
    assert issue.entries.filter(section=Entry.Section.OTHERS).count() == 4
    assert Article.objects.count() == 12
    jiqizhixin = Source.objects.get(name="机器之心")
    assert jiqizhixin.kind == "wechat" and jiqizhixin.wechat_biz == "MzA3MzI4MjgzMw=="
    assert jiqizhixin.articles.count() == 4
    couplet = Article.objects.get(title="明年，我要用 AI 给全村写对联")
    assert [link.label for link in couplet.links.all()] == ["测试地址", "Github", "数据集地址"]
    assert couplet.image_url.startswith("https://gitee.com/")
    assert couplet.fetch_state == Article.FetchState.DONE


def test_private_session_tokens_from_the_seed_are_never_stored(seed_path) -> None:
    run("import_issue", str(seed_path))
    exported = run("export_issue", "20210219")
    for article in Article.objects.all():
        for stored in (article.canonical_url, article.submitted_url):
            for token in ("pass_ticket", "exportkey", "sessionid", "key=", "uin="):
                assert token not in stored
    for token in ("pass_ticket", "exportkey", "sessionid", "&key=", "uin="):
        assert token not in exported


def test_second_import_changes_nothing(seed_path) -> None:
    run("import_issue", str(seed_path))
    first = run("export_issue", "20210219")
    counts = (Article.objects.count(), Entry.objects.count(), Source.objects.count())
    run("import_issue", str(seed_path))
    assert (Article.objects.count(), Entry.objects.count(), Source.objects.count()) == counts
    assert run("export_issue", "20210219") == first


def test_editing_an_entry_shows_in_the_export_but_not_on_the_article(seed_path) -> None:
    run("import_issue", str(seed_path))
    entry = Entry.objects.get(article__title="明年，我要用 AI 给全村写对联")
    entry.title_override = "用 AI 写春联"
    entry.save()
    exported = run("export_issue", "20210219")
    assert "# 3. [用 AI 写春联](" in exported
    entry.article.refresh_from_db()
    assert entry.article.title == "明年，我要用 AI 给全村写对联"
