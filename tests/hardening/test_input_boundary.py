"""No input can cause a 500: hostile paths and query parameters on every URL pattern.

Hypothesis builds requests from every URL pattern the site routes, filling path segments and
query parameters (every one the API documents, the public pages read, and each admin list
filter) with text that is either clean or malformed: NUL, bytes that are not UTF-8, an encoded
surrogate, or a broken %-escape. Malformed queries must get a 400 and malformed paths a 404,
in the API's error shape under /api/; nothing may ever answer 5xx.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Tag
from digest.models import Digest, Issue
from tests.factories import EntryFactory, SourceFactory
from tests.hardening.conftest import require_postgres

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

HIGH_RATES = {"anon": "1000000/min", "user": "1000000/min"}
PLACEHOLDER = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)")
REGEX_LEFTOVER = re.compile(r"[\\^$*+?()|\[\]{}]")
# Read by the public pages and the admin's own list views.
PAGE_PARAMETERS = ["q", "page", "inline", "ids", "o", "p", "e", "all", "_changelist_filters"]


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + route)
        else:
            yield prefix + route


@cache
def public_templates() -> list[list[str]]:
    """Every routed URL outside the admin, as literal pieces around its placeholders."""
    templates = []
    for route in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue
        route = route.replace("^", "").replace("$", "")
        route = route.replace("[\\s\\S]*", "anything").replace(".*", "anything")
        pieces = PLACEHOLDER.split(route)
        assert not any(REGEX_LEFTOVER.search(piece) for piece in pieces), route
        templates.append(pieces)
    return templates


@cache
def query_names() -> list[str]:
    """Every query parameter the API documents, and those the pages read."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    names = set(PAGE_PARAMETERS)
    for operations in schema["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    names.add(parameter["name"])
    return sorted(names)


@cache
def admin_filters() -> list[tuple[str, list[str]]]:
    """Each admin changelist with the query parameters its filters and search read."""
    changelists = []
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        names = list(PAGE_PARAMETERS)
        for entry in model_admin.list_filter:
            if isinstance(entry, str):
                names += [f"{entry}__exact", f"{entry}__id__exact", f"{entry}__isnull"]
            elif isinstance(entry, tuple):
                names += [f"{entry[0]}__exact"]
            else:
                names.append(getattr(entry, "parameter_name", "") or "filter")
        changelists.append((url, names))
    return sorted(changelists)


@dataclass(frozen=True)
class Piece:
    """A percent-encoded URL component, and whether the boundary must refuse it."""

    encoded: str
    malformed: bool = False


STORABLE = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=12,
)
clean = STORABLE.map(lambda text: Piece(quote(text, safe="")))
nul = st.tuples(STORABLE, STORABLE).map(lambda p: Piece(quote(p[0]) + "%00" + quote(p[1]), True))
not_utf8 = st.sampled_from(["%FF", "%C3%28", "%E4%B8", "%80abc", "%ED%A0%80", "a%F0%28%8C%BC"])
broken_escape = st.sampled_from(["%", "%zz", "%4", "a%g0", "100%"])
hostile = st.one_of(
    nul,
    not_utf8.map(lambda text: Piece(text, True)),
    broken_escape.map(lambda text: Piece(text, True)),
)
pieces = st.one_of(clean, clean, hostile)


def sample_values() -> st.SearchStrategy[Piece]:
    """Values a view can act on (ids, slugs, numbers), so deeper code runs too."""
    return st.sampled_from(["1", "2", "ai-brief", "20210219", "2021", "rss", "true", "-1"]).map(
        Piece
    )


# A "%" in a decoded path can only be a broken or double escape, which is refused.
clean_segment = STORABLE.filter(lambda text: "%" not in text).map(
    lambda t: Piece(quote(t, safe=""))
)
path_values = st.one_of(sample_values(), clean_segment, hostile)
query_values = st.one_of(sample_values(), pieces)


@st.composite
def requests(draw, templates: list[list[str]], names: list[str]) -> tuple[str, bool, bool]:
    """A URL, whether its path is malformed, and whether its query is."""
    template = draw(st.sampled_from(templates))
    path, path_bad = "/" + template[0], False
    for literal in template[1:]:  # a placeholder stood before each further literal
        value = draw(path_values)
        path += value.encoded + literal
        path_bad = path_bad or value.malformed
    fields, query_bad = [], False
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.one_of(st.sampled_from(names), pieces))
        encoded_name = name if isinstance(name, str) else name.encoded
        value = draw(query_values)
        fields.append(f"{encoded_name}={value.encoded}")
        query_bad = query_bad or value.malformed or getattr(name, "malformed", False)
    return path + ("?" + "&".join(fields) if fields else ""), path_bad, query_bad


@pytest.fixture
def content(db, settings) -> None:
    require_postgres()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": HIGH_RATES}
    entry = EntryFactory.create(issue__digest__slug="ai-brief", issue__number=20210219)
    Issue.objects.filter(pk=entry.issue_id).update(status="published")
    Tag.objects.create(name="大模型")
    SourceFactory.create()
    assert Digest.objects.exists()


def check(response, url: str, path_bad: bool, query_bad: bool) -> None:
    status = response.status_code
    assert status < 500, f"{url}: {status}"
    expected = 404 if path_bad else 400 if query_bad else None
    if expected is not None:
        assert status == expected, f"{url}: {status}, expected {expected}"
        if url.startswith("/api/"):
            assert response.json()["error"]["code"] == ("not_found" if path_bad else "invalid")


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_no_public_url_answers_5xx_and_malformed_input_is_refused(content, data) -> None:
    url, path_bad, query_bad = data.draw(requests(public_templates(), query_names()))
    check(Client().get(url), url, path_bad, query_bad)


@FUZZ
@given(data=st.data())
def test_no_admin_filter_answers_5xx_and_malformed_input_is_refused(content, data) -> None:
    changelist, names = data.draw(st.sampled_from(admin_filters()))
    client = Client()
    client.force_login(
        User.objects.get_or_create(username="root", is_superuser=True, is_staff=True)[0]
    )
    template = [changelist.lstrip("/")]
    url, path_bad, query_bad = data.draw(requests([template], names))
    check(client.get(url), url, path_bad, query_bad)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/search/?q=%00", 400),
        ("/search/?q=a%00b", 400),
        ("/tags/%00/", 404),
        ("/sources/%00/", 404),
        ("/api/v1/articles/?search=%00", 400),
        ("/api/v1/tags/%00/", 404),
        ("/search/?q=%zz", 400),
        ("/search/?q=%FF", 400),
        ("/tags/%FF/", 404),
        ("/api/v1/issues/%ED%A0%80/", 404),
    ],
)
def test_the_reported_requests_are_refused(content, url: str, status: int) -> None:
    assert Client().get(url).status_code == status


def test_too_many_query_parameters_is_a_400_in_the_api_shape(content) -> None:
    query = "&".join(f"f{number}=1" for number in range(1500))
    response = Client().get(f"/api/v1/issues/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert Client().get(f"/search/?{query}").status_code == 400


def test_clean_unicode_passes_the_boundary(content) -> None:
    assert Client().get("/search/?q=" + quote("大模型 + 🤖")).status_code == 200
