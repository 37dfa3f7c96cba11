from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

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
