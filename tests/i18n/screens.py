"""Reading a rendered screen for words in the wrong language.

A screen is in one language when its own words (text, button labels, titles, placeholders,
accessible names) are: what editors or readers typed is theirs, in whatever language. The
test data is made of invented words (`DATA_WORDS`), so anything else on the screen is the
application's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag

# Invented words for every piece of user data the screens show; none is English or Chinese.
DATA_WORDS = frozenset(
    {
        "Zorvath",
        "Quillon",
        "Brenvik",
        "Tamsor",
        "Yelvane",
        "Drossel",
        "Kwenlo",
        "Fispar",
        "Ulmsted",
        "Orrin",
        "Vasque",
        "Plimmet",
        "eddie",  # the editor's user name
        "admin",  # the superuser's
        "Editors",  # the two roles are groups, stored by name
        "Contributors",
    }
)
DATA_WORDS = DATA_WORDS | {word.lower() for word in DATA_WORDS}  # slugs

# Names that stay as they are in any language: the product, formats, protocols, standards.
PROPER_NAMES = frozenset(
    {
        "Briefroom",
        "AI",
        "URL",
        "URLs",
        "HTTP",
        "IP",  # IP address
        "HTML",
        "JSON",
        "Markdown",
        "RSS",
        "Atom",
        "RDF",
        "Feed",  # JSON Feed, a format's name
        "OPML",
        "ETag",
        "Last-Modified",
        "LLM",
        "Agent",
        "cs",  # arXiv category names such as cs.CL
        "CL",
        "arXiv",
        "GitHub",
        "Webhook",
        "HMAC",
        "SHA",
        "UUID",
        "ID",
        "BCP",
        "X-Briefroom-Signature",
        "HMAC-SHA",
        "http",
        "https",
        "LDAP",
        "Control",  # keys, as Django's Chinese names them: "按住 Control 键"
        "Command",
        "Mac",
        "Alt",  # key caps, printed so on every keyboard
        "Tab",
        "Delete",
    }
)

# Markup whose text is not the screen's words: code, styles, and what a field holds.
NOT_WORDS = ("script", "style", "template", "textarea", "noscript")
# Markup for user data by definition: <bdi> isolates what users wrote (Django's password hash).
DATA_MARKUP = ("bdi",)
# Attributes that are read out or shown to people.
SPOKEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

AUTOMATIC_M2M_ROW = re.compile(r"^\s*[A-Z][a-z]+-[a-z_]+ ?(relationship|关系): ")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
# Things that are not words in any language: addresses, paths, placeholders, codes.
NOT_PROSE = re.compile(
    r"""
      \S+://\S+                 # URLs
    | \S+@\S+                   # e-mail addresses
    | \{[a-z_]+\}               # {digest}-style placeholders
    | __[a-z]+                  # __biz
    | \b[a-z0-9-]+(\.[a-z0-9-]+)+\b  # host and file names
    | \b(zh-hans|en|en-us|zh-hant|zh)\b   # language codes
    | \b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b  # UUIDs
    | \b\d{3,}\b
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Stray:
    """A piece of the screen in the wrong language, and where it was."""

    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.text!r} in <{self.where}>"


def screen_texts(html: str) -> list[tuple[str, str]]:
    """(text, element name) for every word-bearing piece of the screen in its own language."""
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find("html")
    page_lang = (root.get("lang") if isinstance(root, Tag) else None) or ""
    for element in soup.find_all([*NOT_WORDS, *DATA_MARKUP]):
        element.decompose()
    for element in soup.find_all(lang=True):
        # Marked as another language (a language's own name in the switcher): it says so.
        if element is not root and str(element.get("lang", "")).lower() != page_lang.lower():
            element.decompose()
    for select in soup.select("select[name$=permissions]"):
        # Django stores permission names in the database when it creates them, in English.
        select.decompose()
    for item in soup.select("#content ul li"):
        # Django names the rows of an automatic many-to-many table once, at start-up, in the
        # site's language ("Article-tag relationship"): its delete pages list them so.
        if AUTOMATIC_M2M_ROW.match(item.get_text()):
            item.decompose()
    texts: list[tuple[str, str]] = []
    for string in soup.find_all(string=True):
        if type(string) is not NavigableString:
            continue  # comments, the doctype
        if string.parent is not None and string.parent.name not in ("[document]", "html"):
            texts.append((str(string), string.parent.name))
    for element in soup.find_all(True):
        for attribute in SPOKEN_ATTRIBUTES:
            value = element.get(attribute)
            if isinstance(value, str):
                texts.append((value, f"{element.name} {attribute}"))
        if element.name in ("input", "button") and element.get("type") in ("submit", "button"):
            value = element.get("value")
            if isinstance(value, str):
                texts.append((value, f"{element.name} value"))
    return texts


def english_words(text: str) -> list[str]:
    prose = NOT_PROSE.sub(" ", text)
    return [
        word
        for word in LATIN_WORD.findall(prose)
        if word not in DATA_WORDS and word not in PROPER_NAMES
    ]


def strays(html: str, language: str) -> list[Stray]:
    """The screen's words that are not in `language` ("zh-hans" or "en")."""
    found = []
    for text, where in screen_texts(html):
        if (language == "en" and CJK.search(text)) or (
            language == "zh-hans" and english_words(text)
        ):
            found.append(Stray(text.strip(), where))
    return found
