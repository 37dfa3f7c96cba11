import threading

import pytest
from django.db import connection

from articles.models import Article
from articles.services import (
    article_create,
    article_set_links,
    article_update,
    articles_add_from_text,
    urls_in_text,
)
from sources.models import Source
from tests.factories import editor

pytestmark = pytest.mark.django_db


def test_pasting_a_variant_finds_the_existing_article() -> None:
    first, created = article_create(url="https://arxiv.org/abs/2102.06171v2", fetch=False)
    again, created_again = article_create(url="https://arxiv.org/pdf/2102.06171.pdf", fetch=False)
    assert created and not created_again
    assert again.pk == first.pk
    assert Article.objects.count() == 1


def test_new_articles_are_pending_with_their_kind_and_source() -> None:
    article, _ = article_create(url="https://github.com/google/jax", fetch=False)
    assert article.fetch_state == Article.FetchState.PENDING
    assert article.kind == "github"
    assert article.source.name == "GitHub"


def test_wechat_article_is_matched_to_its_account_by_biz() -> None:
    account = Source.objects.create(name="机器之心", kind="wechat", wechat_biz="MzA3MzI4MjgzMw==")
    article, _ = article_create(
        url="https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=1&idx=1&sn=abc&key=secret",
        fetch=False,
    )
    assert article.source == account
    assert "secret" not in article.submitted_url


def test_bulk_paste_reports_every_line() -> None:
    text = """
    https://arxiv.org/abs/2102.06171
    not a url at all
    https://arxiv.org/abs/2102.06171v1   https://github.com/google/jax
    ftp://example.com/file
    """
    results = articles_add_from_text(text=text, fetch=False)
    assert [r.created for r in results if not r.error] == [True, False, True]
    errors = [r for r in results if r.error]
    assert len(errors) == 2
    assert all("URL" in r.error for r in errors)
    assert Article.objects.count() == 2


def test_urls_are_found_in_chinese_text() -> None:
    text = "论文：https://arxiv.org/abs/2102.06171，代码见 https://github.com/google/jax。"
    assert urls_in_text(text) == [
        "https://arxiv.org/abs/2102.06171",
        "https://github.com/google/jax",
    ]


def test_editor_changes_are_remembered() -> None:
    article, _ = article_create(url="https://example.com/a", fetch=False)
    article_update(article=article, data={"title": "我的标题", "author": ""})
    article.refresh_from_db()
    assert article.title == "我的标题"
    assert article.edited_fields == ["title"]


def test_an_edit_records_who_made_it_and_when() -> None:
    user = editor()
    article, _ = article_create(url="https://example.com/a", fetch=False)

    article_update(article=article, data={"title": "原样"}, by=user)
    article.refresh_from_db()
    first_edit = article.edited_at
    article_update(article=article, data={"title": "原样"}, by=editor("other"))
    article.refresh_from_db()

    assert (article.edited_by, article.edited_at) == (user, first_edit)
    assert first_edit is not None


def test_an_edit_without_an_editor_is_recorded_as_unknown() -> None:
    article, _ = article_create(url="https://example.com/a", fetch=False)
    article.edited_by = editor()
    article.save()

    article_update(article=article, data={"summary": "命令写的"})
    article_set_links(article=article, links=[("Code", "https://github.com/a/b")], by=None)

    article.refresh_from_db()
    assert article.edited_by is None and article.edited_at is not None


def test_setting_links_records_the_editor() -> None:
    user = editor()
    article, _ = article_create(url="https://example.com/a", fetch=False)

    article_set_links(article=article, links=[("Paper", "https://arxiv.org/abs/1")], by=user)

    article.refresh_from_db()
    assert article.edited_by == user and article.edited_fields == ["related_links"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_of_one_url_give_one_row() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with concurrent writers (PostgreSQL)")
    barrier = threading.Barrier(6)
    ids: list[int] = []
    errors: list[BaseException] = []

    def paste(url: str) -> None:
        try:
            barrier.wait()
            article, _ = article_create(url=url, fetch=False)
            ids.append(article.pk)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    variants = [f"https://arxiv.org/abs/2102.0617{1}v{n}" for n in range(1, 7)]
    threads = [threading.Thread(target=paste, args=(v,)) for v in variants]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(ids)) == 1
    assert Article.objects.count() == 1
