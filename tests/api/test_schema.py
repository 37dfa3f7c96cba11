from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from tests.support.services import ROOT

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_validates_without_a_single_warning(tmp_path: Path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert yaml.safe_load(target.read_text())["openapi"].startswith("3.")


def test_the_schema_is_served_and_documents_every_operations_errors(anon):
    response = anon.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 25
    for path, method, operation in operations:
        assert "429" in operation["responses"], (path, method)
        if "{" in path:
            assert {"400", "404"} <= set(operation["responses"]), (path, method)
        if method != "get":
            assert {"401", "403"} <= set(operation["responses"]), (path, method)


def test_the_schema_names_both_ways_to_authenticate(anon):
    schemes = anon.get("/api/schema/?format=json").json()["components"]["securitySchemes"]

    assert {"tokenAuth", "cookieAuth"} <= set(schemes)


def test_the_docs_page_is_served(anon):
    response = anon.get("/api/docs/")

    assert response.status_code == 200
    assert b"/api/schema/" in response.content


COMMITTED_SCHEMA = ROOT / "docs" / "openapi.yaml"


def test_the_served_schema_is_the_committed_one(anon):
    """Schema changes show in review: regenerate docs/openapi.yaml with `make schema`.

    The committed schema is the English one (`make schema` writes it with --lang en).
    """
    response = anon.get("/api/schema/?lang=en")

    assert response.status_code == 200
    served = yaml.safe_load(response.content)
    committed = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    assert served == committed, "the API's schema changed: run `make schema` and commit it"


def test_path_ids_are_bounded_and_bodies_are_json_only(anon):
    schema = anon.get("/api/schema/?format=json").json()

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] != "slug":
                    assert parameter["schema"]["minimum"] == 1, (path, method)
                    assert "maximum" in parameter["schema"], (path, method)
            body = operation.get("requestBody", {}).get("content", {})
            assert set(body) <= {"application/json"}, (path, method)


def test_public_reads_allow_anonymous_clients_and_writes_do_not(anon):
    paths = anon.get("/api/schema/?format=json").json()["paths"]

    assert {} in paths["/api/v1/issues/{id}/"]["get"]["security"]
    assert {} in paths["/api/v1/articles/"]["get"]["security"]
    assert {} not in paths["/api/v1/issues/{id}/"]["patch"]["security"]
    assert {} not in paths["/api/v1/digests/"]["get"]["security"]


def test_issue_writes_document_if_match_and_412(anon):
    paths = anon.get("/api/schema/?format=json").json()["paths"]

    patch = paths["/api/v1/issues/{id}/"]["patch"]
    assert "If-Match" in [p["name"] for p in patch["parameters"] if p["in"] == "header"]
    assert "412" in patch["responses"]
    assert "ETag" in paths["/api/v1/issues/{id}/"]["get"]["responses"]["200"]["headers"]
