"""Whether a request's raw path and query can be read safely: pure checks, no I/O.

PostgreSQL text cannot hold NUL, and no Unicode text can hold a lone surrogate or bytes that
are not UTF-8. Django decodes such input leniently and hands it on, and the database then
fails. These checks find it first, on the raw bytes, so it can be refused at one boundary.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from django.utils.translation import gettext as _

# A % not followed by two hex digits: "%", "%4", "%zz".
_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_BAD_ESCAPE_TEXT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# NUL, and UTF-16 surrogates, which have no UTF-8 form.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why decoded text cannot be stored, or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return _("contains the character U+%(code)04X, which cannot be stored") % {
        "code": ord(found.group())
    }


def decoded_problem(raw: bytes) -> str | None:
    """Why percent-decoded bytes are not storable text, or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _("is not valid UTF-8")
    return text_problem(text)


def path_problem(path: str) -> str | None:
    """Why a request's decoded path is malformed, or None.

    Django percent-escapes again the bytes of a path that are not UTF-8, so "%FF" in a
    decoded path is such a byte (or was sent double-escaped, which names nothing here either).
    """
    problem = text_problem(path)
    if problem is not None:
        return problem
    if _BAD_ESCAPE_TEXT.search(path):
        return _("has a %% that is not followed by two hexadecimal digits") % {}
    return decoded_problem(unquote_to_bytes(path))


def query_problems(query_string: str) -> dict[str, str]:
    """Each malformed parameter of a WSGI QUERY_STRING (bytes as Latin-1) and what is wrong.

    The key is the parameter's name as far as it can be read; a malformed name is reported
    under its raw form.
    """
    try:
        raw = query_string.encode("latin-1")
    except UnicodeEncodeError:
        return {"": _("the query string is not valid UTF-8")}
    problems: dict[str, str] = {}
    for field in raw.split(b"&"):
        if not field:
            continue
        raw_name, _sep, raw_value = field.partition(b"=")
        name_problem = _component_problem(raw_name)
        if name_problem is not None:
            problems[raw_name[:40].decode("latin-1")] = _("the parameter name %(problem)s") % {
                "problem": name_problem
            }
            continue
        value_problem = _component_problem(raw_value)
        if value_problem is not None:
            name = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode()
            problems.setdefault(name, _("the value %(problem)s") % {"problem": value_problem})
    return problems


def _component_problem(component: bytes) -> str | None:
    if _BAD_ESCAPE.search(component):
        return _("has a %% that is not followed by two hexadecimal digits") % {}
    return decoded_problem(unquote_to_bytes(component.replace(b"+", b" ")))
