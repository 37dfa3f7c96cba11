"""Why a fetch failed, in the editor's language.

The fetcher and the extractors store an English sentence with the specifics (host, status)
and a short code. Screens say the code's sentence in the language they are in, and keep the
stored sentence as the technical detail.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SENTENCES: dict[str, Promise] = {
    # core/fetcher.py and core/politeness.py
    "blocked": _("The address is not allowed: it is private, local or blocked."),
    "invalid_url": _("The address cannot be fetched."),
    "not_found": _("The page does not exist."),
    "gone": _("The page has been removed (HTTP 410)."),
    "http_error": _("The site answered with an error."),
    "server_error": _("The site had an error."),
    "rate_limited": _("The site refused because of too many requests; try again later."),
    "timeout": _("The site took too long to answer."),
    "connection": _("The site could not be reached."),
    "too_large": _("The page is larger than the size limit."),
    "bad_content_type": _("The address is not a web page."),
    "too_many_redirects": _("The address redirects too many times."),
    # articles/extractors
    "deleted": _("The publisher has deleted this article."),
    "violation": _("The platform has taken this article down for violating its rules."),
    "verification": _("The site asked for a verification (captcha) instead of the article."),
    "moved": _("The page has moved to another address."),
    "error": _("The site answered with an error instead of the article."),
    "empty": _("The page has no article content."),
    "unparsable": _("The page cannot be read as an article."),
}


def fetch_error_sentence(code: str, detail: str) -> str:
    """The sentence for `code` in the active language; the stored detail for an unknown code."""
    sentence = SENTENCES.get(code)
    return str(sentence) if sentence is not None else detail
