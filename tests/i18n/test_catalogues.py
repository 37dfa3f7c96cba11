"""The message catalogues: complete, consistent with the code, and what Django actually reads."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LOCALE_DIR = ROOT / "locale"
sys.path.insert(0, str(ROOT / "scripts"))
import messages as catalogue_tool  # noqa: E402

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{(\w+)\}")


def catalogue(locale: str, suffix: str = "po") -> Catalog:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"django.{suffix}"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale) if suffix == "po" else read_mo(handle)


def strings(message: Message) -> tuple[str, ...]:
    value = message.string
    return tuple(value) if isinstance(value, (tuple, list)) else (value or "",)


def ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def key(message: Message) -> tuple[str | None, tuple[str, ...]]:
    context = message.context
    if isinstance(context, bytes):  # as Babel reads it from a .mo file
        context = context.decode()
    return context, ids(message)


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text)}


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(locale) -> None:
    messages = [m for m in catalogue(locale) if m.id]
    assert len(messages) > 200
    untranslated = [m.id for m in messages if not all(strings(m))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"untranslated in {locale}: {untranslated}"
    assert not fuzzy, f"fuzzy in {locale} (check the translation, then drop the flag): {fuzzy}"


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_translations_keep_every_placeholder(locale) -> None:
    wrong = []
    for message in catalogue(locale):
        if not message.id:
            continue
        expected = placeholders(ids(message)[-1])
        for text in strings(message):
            if placeholders(text) != expected:
                wrong.append((message.id, text))
    assert not wrong, wrong


def test_the_catalogues_hold_every_message_of_the_code() -> None:
    """A string wrapped without `make messages` would stay English on a Chinese screen."""
    assert catalogue_tool.update(check=True) == 0


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_the_compiled_catalogue_is_the_current_one(locale) -> None:
    source = {key(m): strings(m) for m in catalogue(locale) if m.id}
    compiled = {key(m): strings(m) for m in catalogue(locale, "mo") if m.id}
    assert compiled == source, "run `make install` (or `make messages`) to compile locale/"


def test_django_reads_our_translations() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("Re-fetch selected articles") == "重新抓取所选文章"
        assert translation.gettext("Select %s to change") % "文章" == "选择要修改的文章"
    with translation.override("en"):
        assert translation.gettext("Re-fetch selected articles") == "Re-fetch selected articles"


def test_pending_translations_are_well_formed_po_files() -> None:
    for path in sorted((LOCALE_DIR / "pending").glob("*.po")):
        with path.open("rb") as handle:
            pending = read_po(handle, locale="zh_Hans")
        assert [m for m in pending if m.id], f"{path.name} has no messages"
