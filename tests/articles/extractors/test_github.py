"""GitHub: repository JSON from the REST API, its error bodies, and the repository page."""

from __future__ import annotations

import json

import pytest

from articles.extractors import NotAnArticle, RelatedLinkData, extract
from tests.articles.extractors.conftest import iso

URL = "https://github.com/acme/tiny-model"


def repo_json(**overrides) -> bytes:
    data = {
        "full_name": "acme/tiny-model",
        "name": "tiny-model",
        "owner": {
            "login": "acme",
            "type": "Organization",
            "avatar_url": "https://avatars.example/u/1",
        },
        "html_url": "https://github.com/acme/tiny-model",
        "description": "A tiny model.",
        "stargazers_count": 42,
        "forks_count": 3,
        "language": "Python",
        "topics": ["llm"],
        "license": {"spdx_id": "MIT"},
        "homepage": "https://arxiv.org/abs/2405.05966",
        "created_at": "2024-05-01T08:00:00Z",
        "pushed_at": "2024-05-10T08:00:00Z",
    }
    data.update(overrides)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"message": "Not Found", "documentation_url": "https://docs.github.com"}, "not_found"),
        (
            {
                "message": "API rate limit exceeded for 203.0.113.7. (But here's the good news...)",
                "documentation_url": "https://docs.github.com/rest/rate-limit",
            },
            "rate_limited",
        ),
        (
            {
                "message": "Moved Permanently",
                "url": "https://api.github.com/repositories/7569578",
                "documentation_url": "https://docs.github.com/rest/guides/best-practices",
            },
            "moved",
        ),
        ({"message": "Repository access blocked", "block": {"reason": "tos"}}, "blocked"),
        ({"message": "Bad credentials"}, "error"),
        ([], "unparsable"),
    ],
)
def test_api_error_bodies(body, code) -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract(URL, json.dumps(body).encode(), content_type="application/json")
    assert raised.value.code == code


def test_repository_fields() -> None:
    extracted = extract("https://github.com/acme/tiny-model/tree/main/src", repo_json())
    assert extracted.kind == "github"
    assert extracted.title == "acme/tiny-model"
    assert extracted.publication == "GitHub"
    assert extracted.author == "acme"
    assert extracted.summary == "A tiny model."
    assert extracted.image_url == "https://avatars.example/u/1"
    assert iso(extracted.published_at) == "2024-05-01T08:00:00+00:00"
    assert extracted.canonical_url == "https://github.com/acme/tiny-model"
    meta = extracted.metadata
    assert (meta["stars"], meta["forks"], meta["license"]) == (42, 3, "MIT")
    assert meta["social_preview_url"] == "https://opengraph.githubassets.com/1/acme/tiny-model"
    # The homepage is a related link, labelled by what it is.
    assert extracted.related_links == [
        RelatedLinkData("Paper", "https://arxiv.org/abs/2405.05966", "metadata")
    ]


def test_plain_homepage_is_labelled_project_page() -> None:
    extracted = extract(URL, repo_json(homepage="https://tiny.example.org"))
    assert extracted.related_links == [
        RelatedLinkData("项目主页", "https://tiny.example.org/", "metadata")
    ]


def test_fork_keeps_its_own_counts_not_its_parents(pages_dir) -> None:
    body = (pages_dir / "github" / "pygithub_repos_AndrewJDawes_PyGithub_fork.json").read_bytes()
    extracted = extract("https://github.com/AndrewJDawes/PyGithub", body)
    assert extracted.metadata["stars"] == 0
    assert extracted.metadata["forks"] == 0
    assert extracted.metadata["fork"] is True
    assert extracted.metadata["parent"] == "PyGithub/PyGithub"
    assert extracted.author == "AndrewJDawes"


def test_tree_page_describes_the_repository(pages_dir) -> None:
    body = (
        pages_dir / "github" / "onebox_github_html_discourse_tree_spec_fixtures.html"
    ).read_bytes()
    extracted = extract("https://github.com/discourse/discourse/tree/master/spec/fixtures", body)
    assert extracted.title == "discourse/discourse"
    # og:description's " - discourse/discourse" suffix is GitHub's, not the description.
    assert extracted.summary == "A platform for community discussion. Free, open, simple."
    assert extracted.canonical_url == "https://github.com/discourse/discourse"
    assert extracted.metadata["path"] == "tree/master/spec/fixtures"
    assert extracted.metadata["stars"] == 31946


def test_repository_page_homepage_and_topics(pages_dir) -> None:
    body = (pages_dir / "github" / "onebox_github_html_discourse_discourse_root.html").read_bytes()
    extracted = extract("https://github.com/discourse/discourse", body)
    assert extracted.metadata["homepage"] == "https://www.discourse.org"
    assert extracted.metadata["topics"][:3] == ["discourse", "javascript", "rails"]
    assert extracted.related_links[0] == RelatedLinkData(
        "项目主页", "https://www.discourse.org/", "metadata"
    )


def test_new_style_repository_page() -> None:
    page = b"""<html><head>
    <title>GitHub - acme/tiny-model: A tiny model.</title>
    <meta property="og:title" content="GitHub - acme/tiny-model: A tiny model.">
    <meta property="og:description" content="A tiny model. Contribute to acme/tiny-model
      development by creating an account on GitHub.">
    <meta property="og:image" content="https://opengraph.githubassets.com/abc123/acme/tiny-model">
    </head><body><article class="markdown-body"><p>Paper:
    <a href="https://arxiv.org/abs/2405.05966">arXiv</a>, weights on
    <a href="https://huggingface.co/acme/tiny">HF</a>,
    see <a href="/acme/tiny-model/blob/main/x.md">x</a>.
    </p></article></body></html>"""
    extracted = extract(URL, page)
    assert extracted.title == "acme/tiny-model"
    assert extracted.summary == "A tiny model."
    assert extracted.image_url == "https://opengraph.githubassets.com/abc123/acme/tiny-model"
    assert extracted.related_links == [
        RelatedLinkData("Paper", "https://arxiv.org/abs/2405.05966"),
        RelatedLinkData("Hugging Face", "https://huggingface.co/acme/tiny"),
    ]


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Page not found · GitHub · GitHub", "not_found"),
        ("Too Many Requests · GitHub", "rate_limited"),
        ("Sign in to GitHub · GitHub", "unparsable"),
    ],
)
def test_repository_page_errors(title, code) -> None:
    page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    with pytest.raises(NotAnArticle) as raised:
        extract(URL, page.encode())
    assert raised.value.code == code


def test_deep_page_title_names_the_repository() -> None:
    page = """<html><head><title>tiny-model/src at main · acme/tiny-model · GitHub</title>
    <meta property="og:title" content="tiny-model/src at main · acme/tiny-model">
    </head><body></body></html>"""
    extracted = extract("https://github.com/acme/tiny-model/tree/main/src", page.encode())
    assert extracted.title == "acme/tiny-model"
    assert extracted.author == "acme"


def test_api_payload_without_full_name_is_read_from_its_other_fields() -> None:
    body = json.dumps(
        {
            "name": "tiny-model",
            "html_url": "https://github.com/acme/tiny-model",
            "description": "A tiny model.",
            "watchers": 42,
            "master_branch": "develop",
            "created_at": "2011-01-20T23:14:12Z",
        }
    ).encode()
    extracted = extract(URL, body)
    assert extracted.title == "acme/tiny-model"
    assert extracted.author == "acme"
    assert extracted.summary == extracted.description == "A tiny model."
    assert extracted.metadata["stars"] == 42
    assert extracted.metadata["default_branch"] == "develop"
    assert extracted.canonical_url == "https://github.com/acme/tiny-model"
