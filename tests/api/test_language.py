"""Each API response speaks one language: Accept-Language's (zh-Hans or en), else the site's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.api.conftest import error_of
from tests.support.services import ROOT

CATALOGUES = [
    ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    ROOT / "locale" / "pending" / "api.po",
]
pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def present_catalogues() -> list[Path]:
    return [path for path in CATALOGUES if path.exists()]


@pytest.fixture(autouse=True)
def compiled_catalogues(settings, tmp_path) -> None:
    """The zh-Hans catalogues compiled with Babel (no system gettext), first in LOCALE_PATHS."""
    paths = []
    for index, po in enumerate(present_catalogues()):
        folder = tmp_path / f"locale{index}" / "zh_Hans" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with po.open("rb") as source, (folder / "django.mo").open("wb") as target:
            write_mo(target, read_po(source, locale="zh_Hans"))
        paths.append(str(tmp_path / f"locale{index}"))
    settings.LOCALE_PATHS = [*paths, *getattr(settings, "LOCALE_PATHS", [])]


def test_every_message_of_the_api_has_a_chinese_translation():
    ids: set[str] = set()
    for _line, message, _comments, _context in _api_messages():
        ids.add(message if isinstance(message, str) else message[0])
    translated = set()
    for po in present_catalogues():
        with po.open("rb") as source:
            catalogue = read_po(source, locale="zh_Hans")
        translated |= {m.id for m in catalogue if m.id and m.string and not m.fuzzy}

    assert present_catalogues()
    assert not ids - translated, sorted(ids - translated)


def _api_messages():
    for _filename, line, message, comments, context in extract_from_dir(
        str(ROOT / "api"), keywords={"_": None}
    ):
        yield line, message, comments, context


def test_a_chinese_client_gets_chinese_messages(anon):
    response = anon.get("/api/v1/issues/999/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")

    assert response.status_code == 404
    assert error_of(response)["message"] == "没有这一期。"
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" in response["Vary"]


def test_an_english_client_gets_english_messages(anon):
    response = anon.get("/api/v1/issues/999/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8")

    assert error_of(response)["message"] == "No such issue."
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("accept", "language"),
    [("zh-Hans", "zh"), ("en", "en"), ("fr-FR", "site"), ("", "site")],
)
def test_drf_and_api_messages_share_the_one_language(editor_api, settings, accept, language):
    settings.LANGUAGE_CODE = "zh-hans"
    response = editor_api.post(
        "/api/v1/tags/", {"name": "   "}, HTTP_ACCEPT_LANGUAGE=accept, format="json"
    )

    error = error_of(response)
    texts = [error["message"], *error["fields"]["name"]]
    expected = "zh" if language in ("zh", "site") else "en"
    assert response.status_code == 400
    if expected == "zh":
        assert error["message"] == "输入无效。"
        assert all(CJK.search(text) for text in texts), texts
    else:
        assert error["message"] == "Invalid input."
        assert not any(CJK.search(text) for text in texts), texts


def test_without_accept_language_the_sites_language_is_used(anon, settings):
    settings.LANGUAGE_CODE = "en"

    response = anon.get("/api/v1/issues/abc/")

    assert error_of(response)["message"] == "id must be a positive integer, not 'abc'"
    assert response["Content-Language"] == "en"


def test_a_translated_message_with_values_in_chinese(anon):
    response = anon.get("/api/v1/issues/?page=1&page=2", HTTP_ACCEPT_LANGUAGE="zh-Hans")

    assert response.status_code == 400
    assert error_of(response)["message"] == "每个查询参数只能给出一次：page"
