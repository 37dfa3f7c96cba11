"""Which language a screen speaks: the editor's in the admin, the site's or digest's in public."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.i18n.conftest import admin_client
from tests.i18n.screens import strays

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("en-US,en;q=0.9", "en"),
        ("en-GB,zh-CN;q=0.5", "en"),
        ("fr-FR,fr;q=0.9", "zh-hans"),  # neither: the site's language
    ],
)
def test_the_admin_follows_the_browsers_language(newsroom, accept, language) -> None:
    response = admin_client(accept).get(reverse("admin:articles_article_changelist"))
    assert response["Content-Language"] == language
    assert f'<html lang="{language}"' in response.content.decode()
    assert "Accept-Language" in response["Vary"]


def test_the_login_page_follows_the_browsers_language() -> None:
    for accept, language in [("en", "en"), ("zh-CN", "zh-hans")]:
        response = Client(HTTP_ACCEPT_LANGUAGE=accept).get(reverse("admin:login"))
        assert response["Content-Language"] == language
        assert not strays(response.content.decode(), language)


def test_the_language_switcher_overrides_the_browser(newsroom) -> None:
    client = admin_client("zh-CN")
    page = client.get(reverse("admin:index")).content.decode()
    assert f'action="{reverse("set_language")}"' in page
    assert '<option value="en" lang="en">English</option>' in page

    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("admin:index")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    again = client.get(reverse("admin:index"))
    assert again["Content-Language"] == "en"
    assert '<option value="en" lang="en" selected>' in again.content.decode()


def test_public_pages_ignore_the_readers_language(newsroom, client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("archive:home"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html and ">跳到正文<" in html
    # One copy per URL is right for every reader: nothing varies with the language.
    assert "Accept-Language" not in response.get("Vary", "")
    assert not response.has_header("Content-Language")


def test_a_digests_pages_speak_the_digests_language(newsroom, client) -> None:
    digest = newsroom["digest"]
    digest.language = "en"
    digest.save()
    for url in (
        reverse("archive:digest", args=[digest.slug]),
        newsroom["issue"].get_absolute_url(),
    ):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
        assert '<html lang="en">' in html and ">Skip to content<" in html, url
    # The rest of the site keeps the site's language.
    home = client.get(reverse("archive:home")).content.decode()
    assert '<html lang="zh-hans">' in home
