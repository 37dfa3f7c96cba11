"""The admin's own phrasing: model names read naturally, filters and fields say what they are."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Article
from tests.i18n.conftest import admin_client

pytestmark = pytest.mark.django_db


def page(language: str, url: str) -> BeautifulSoup:
    response = admin_client(language).get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "选择要修改的文章"), ("en", "Select article to change")]
)
def test_the_article_list_names_its_model_in_the_editors_language(
    newsroom, language, heading
) -> None:
    soup = page(language, reverse("admin:articles_article_changelist"))
    assert soup.h1 is not None and soup.h1.get_text(strip=True) == heading


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_two_filters_of_the_article_list_share_a_title(newsroom, language) -> None:
    soup = page(language, reverse("admin:articles_article_changelist"))
    titles = [
        re.sub(r"\s+", " ", s.get_text()).strip() for s in soup.select("#changelist-filter summary")
    ]
    assert len(titles) == 4 and len(set(titles)) == 4, titles
    if language == "zh-hans":
        assert "按类型" in titles and "按来源类型" in titles


def test_edited_fields_are_listed_by_their_labels(newsroom) -> None:
    article: Article = newsroom["article"]
    soup = page("zh-hans", reverse("admin:articles_article_change", args=[article.pk]))
    listed = [li.get_text(strip=True) for li in soup.select("ul.edited-fields li")]
    assert listed == ["标题", "摘要", "相关链接"]
    assert '["title"' not in str(soup)


def test_an_article_nobody_edited_says_so(newsroom) -> None:
    article: Article = newsroom["article"]
    Article.objects.filter(pk=article.pk).update(edited_fields=[])
    soup = page("en", reverse("admin:articles_article_change", args=[article.pk]))
    assert "None: a re-fetch may update every fetched field." in soup.get_text()


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("zh-hans", "网站响应太慢。"), ("en", "The site took too long to answer.")],
)
def test_a_failed_fetch_says_why_in_the_editors_language(newsroom, language, sentence) -> None:
    failed: Article = newsroom["failed"]
    client = admin_client(language)
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'title="{sentence}"' in listing
    change = page(language, reverse("admin:articles_article_change", args=[failed.pk]))
    assert sentence in change.get_text()
    assert change.select_one('code[lang="en"]').get_text() == "Plimmet"  # the fetcher's detail
    status = client.get(
        reverse("admin:articles_article_fetch_status"), {"ids": str(failed.pk)}
    ).json()
    assert status["articles"][str(failed.pk)]["error"] == sentence


def test_a_refused_upload_says_why_in_the_editors_language(newsroom, settings) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from tests.digest.test_admin_workflow import change_form_data

    settings.IMAGE_MAX_PIXELS = 10
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(picture, "PNG")
    article: Article = newsroom["article"]
    client = admin_client("zh-hans")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    data["image"] = SimpleUploadedFile("z.png", picture.getvalue(), "image/png")
    response = client.post(url, data)
    assert response.context["adminform"].form.errors["image"] == [
        "图片太大：像素或文件大小超过了上限。"
    ]


@pytest.mark.parametrize(("language", "suffix"), [("zh-hans", "："), ("en", ":")])
def test_form_labels_end_with_the_languages_own_colon(newsroom, language, suffix) -> None:
    article = Article.objects.first()
    assert article is not None
    soup = page(language, reverse("admin:articles_article_change", args=[article.pk]))
    labels = [label.get_text(strip=True) for label in soup.select("form .form-row label")]
    assert labels and all(text.endswith(suffix) for text in labels if text[-1] in ":："), labels
    assert any(text.endswith(suffix) for text in labels)
