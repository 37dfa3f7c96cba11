"""API links are formatted from each URL pattern, reversed once: the same URLs as reverse()."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from digest import links
from digest.links import ApiLinks

BASE = "https://briefroom.example"
BY_ID = [
    ("issue-detail", (42,)),
    ("issue-export", (42,)),
    ("entry-detail", (42, 7)),
    ("article-detail", (9001,)),
    ("source-detail", (0,)),
    ("tag-detail", (12345678901234,)),
    ("webhook-deliveries", (3,)),
    ("root", ()),
    ("issue-list", ()),
]


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize(("name", "args"), BY_ID)
def test_links_by_id_are_what_reverse_gives(name, args):
    assert ApiLinks(BASE).url(name, *args) == BASE + reverse(f"api:{name}", args=args)


def test_links_keep_the_script_prefix_of_their_request(script_prefix):
    script_prefix("/news/")

    assert ApiLinks(BASE).url("entry-detail", 1, 2) == f"{BASE}/news/api/v1/issues/1/entries/2/"


def test_other_arguments_go_through_reverse_and_its_checks():
    links = ApiLinks(BASE)

    assert links.url("digest-detail", "ai-brief") == f"{BASE}/api/v1/digests/ai-brief/"
    assert links.url("issue-detail", "第1期") == BASE + reverse("api:issue-detail", args=["第1期"])
    with pytest.raises(NoReverseMatch):
        links.url("digest-detail", "机器之心")  # not a slug the pattern accepts
    with pytest.raises(NoReverseMatch):
        links.url("issue-detail", "a/b")


def test_a_name_that_does_not_exist_still_raises():
    with pytest.raises(NoReverseMatch):
        ApiLinks(BASE).url("no-such-view", 1)


def test_templates_stay_few_whatever_prefixes_requests_come_with(script_prefix):
    for n in range(3 * links._MAX_PREFIXES):
        script_prefix(f"/p{n}/")
        assert ApiLinks(BASE).url("issue-detail", n) == f"{BASE}/p{n}/api/v1/issues/{n}/"

    assert len(links._templates) <= links._MAX_PREFIXES
