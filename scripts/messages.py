"""Extract, merge and compile Briefroom's message catalogues with Babel (no system gettext).

`make messages` runs this: it collects every gettext call of the Python code and every
`{% translate %}` / `{% blocktranslate %}` of the templates into locale/django.pot, brings
each catalogue in locale/ up to date with it (new messages are added untranslated, changed
ones marked fuzzy, gone ones dropped), copies translations from locale/pending/*.po into the
zh-Hans catalogue, and compiles the .mo files Django reads.

    python scripts/messages.py            # extract, merge, compile
    python scripts/messages.py --check    # exit 1 if a message is missing or left over
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
PENDING_DIR = LOCALE_DIR / "pending"
TEMPLATE_FILE = LOCALE_DIR / "django.pot"
SOURCE_PACKAGES = (
    "briefroom", "api", "webhooks", "ops", "digest", "feeds", "articles", "sources", "core",
)  # fmt: skip
SKIPPED_DIRS = {"migrations", "__pycache__", "node_modules", ".venv"}
# Languages of the catalogues; English is the source language, so its translations are the msgids.
LOCALES = ("zh_Hans", "en")
SOURCE_LOCALE = "en"
CATALOGUE_LOCALE = "zh_Hans"  # the one locale/pending/*.po files translate into

# Django's translation functions, as Babel keyword specs: (argument positions, context).
KEYWORDS: dict[str, tuple | None] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
COMMENT_TAGS = ("Translators:",)


def source_files() -> Iterator[tuple[Path, str]]:
    """Every Python module and template that may hold a message, with how to read it."""
    for package in SOURCE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
                continue
            if path.suffix == ".py":
                yield path, "python"
            elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
                yield path, "template"
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in {".html", ".txt", ".xml"}:
            yield path, "template"


def extract_file(path: Path, method: str) -> Iterable[tuple]:
    text = path.read_text(encoding="utf-8")
    if method == "template":
        # Django turns a template into Python-like code with gettext calls, as for xgettext.
        text = templatize(text, origin=str(path))
        # Its calls are each on one line; the template's own indentation would only trip
        # Python's tokenizer.
        text = "\n".join(line.lstrip() for line in text.splitlines())
    return extract(
        "python",
        io.BytesIO(text.encode("utf-8")),
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )


def extract_all() -> Catalog:
    template = Catalog(project="Briefroom", version="1", msgid_bugs_address="", fuzzy=False)
    template.header_comment = HEADER_COMMENT.format(locale="template of the")
    for path, method in source_files():
        where = str(path.relative_to(ROOT))
        for lineno, message, comments, context in extract_file(path, method):
            template.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return template


HEADER_COMMENT = """\
# Briefroom's {locale} messages. `make messages` updates this file from the sources
# (scripts/messages.py); write translations here, never in the .mo files it compiles.
#"""


def read_catalogue(path: Path, locale: str) -> Catalog:
    if path.exists():
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
    else:
        catalogue = Catalog(locale=locale, fuzzy=False)
    catalogue.header_comment = HEADER_COMMENT.format(locale=locale)
    catalogue.project, catalogue.version = "Briefroom", "1"
    catalogue.msgid_bugs_address = ""
    catalogue.last_translator = "Briefroom contributors"
    catalogue.language_team = "Briefroom contributors"
    return catalogue


def write_catalogue(catalogue: Catalog, path: Path) -> bytes:
    buffer = io.BytesIO()
    # File names without line numbers: moving code around does not touch the catalogues.
    write_po(
        buffer, catalogue, width=100, ignore_obsolete=True, sort_output=False, include_lineno=False
    )
    return buffer.getvalue()


def fill_source_language(catalogue: Catalog) -> None:
    """In English a message is its own translation."""
    for message in catalogue:
        if not message.id or (all(_strings(message)) and not message.fuzzy):
            continue
        message.string = message.id if not message.pluralizable else tuple(message.id)
        message.flags.discard("fuzzy")


def merge_pending(catalogue: Catalog) -> list[str]:
    """Copy translations from locale/pending/*.po; a file all of whose messages landed goes."""
    notes = []
    for pending_path in sorted(PENDING_DIR.glob("*.po")):
        pending = read_catalogue(pending_path, CATALOGUE_LOCALE)
        waiting = 0
        for message in pending:
            if not message.id or not message.string:
                continue
            target = catalogue.get(message.id, message.context)
            if target is None:
                waiting += 1
                continue
            if not target.string or target.fuzzy or not any(_strings(target)):
                target.string = message.string
                target.flags.discard("fuzzy")
        if waiting:
            notes.append(f"{pending_path.name}: {waiting} message(s) not in the sources yet, kept")
        else:
            pending_path.unlink()
            notes.append(f"{pending_path.name}: merged, removed")
    return notes


def _strings(message: Message) -> tuple[str, ...]:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return tuple(s or "" for s in strings)


def untranslated(catalogue: Catalog) -> list[Message]:
    return [m for m in catalogue if m.id and (m.fuzzy or not all(_strings(m)))]


def compile_catalogue(catalogue: Catalog, path: Path) -> None:
    with path.open("wb") as handle:
        write_mo(handle, catalogue)


def update(*, check: bool) -> int:
    template = extract_all()
    if check:
        return check_catalogues(template)
    outputs: dict[Path, bytes] = {TEMPLATE_FILE: write_catalogue(template, TEMPLATE_FILE)}
    catalogues: dict[str, Catalog] = {}
    for locale in LOCALES:
        po_path = catalogue_path(locale)
        catalogue = read_catalogue(po_path, locale)
        # A copy each: Babel adds new messages by reference, and English fills in its own.
        catalogue.update(copy.deepcopy(template), update_header_comment=False)
        catalogue.fuzzy = False
        if locale == SOURCE_LOCALE:
            fill_source_language(catalogue)
        if locale == CATALOGUE_LOCALE:
            for note in merge_pending(catalogue):
                print(note)
        catalogues[locale] = catalogue
        outputs[po_path] = write_catalogue(catalogue, po_path)
    for path, content in outputs.items():
        old = path.read_bytes() if path.exists() else b""
        if _without_dates(old) != _without_dates(content):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    for locale, catalogue in catalogues.items():
        missing = untranslated(catalogue)
        print(f"{locale}: {len(catalogue)} messages, {len(missing)} to translate")
        compile_catalogue(catalogue, catalogue_path(locale).with_suffix(".mo"))
    return 0


def check_catalogues(template: Catalog) -> int:
    """Whether every catalogue holds exactly the messages of the code (wherever they are)."""
    wanted = {(m.context, _ids(m)) for m in template if m.id}
    stale = 0
    for locale in LOCALES:
        with catalogue_path(locale).open("rb") as handle:
            held = {(m.context, _ids(m)) for m in read_po(handle, locale=locale) if m.id}
        for context, ids in sorted(wanted - held, key=str):
            print(f"{locale}: missing {ids[0]!r}" + (f" ({context})" if context else ""))
        for _context, ids in sorted(held - wanted, key=str):
            print(f"{locale}: no longer in the code {ids[0]!r}")
        stale += len(wanted ^ held)
    if stale:
        print("run `make messages` to bring the catalogues up to date")
    return 1 if stale else 0


def catalogue_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def _without_dates(content: bytes) -> bytes:
    """The catalogue without the header lines that change on every run."""
    lines = content.splitlines()
    return b"\n".join(line for line in lines if not line.startswith(b'"POT-Creation-Date'))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only say whether the catalogues are up to date"
    )
    args = parser.parse_args(argv)
    return update(check=args.check)


if __name__ == "__main__":
    sys.exit(main())
