"""Property-based run of every documented operation against a live server.

Each operation gets a few generated requests, valid and invalid, as an editor (so writes
run too); no response may be a 5xx, and each must match the documented status codes,
content types and body schemas.
"""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_MODE = 5
TIME_BUDGET_SECONDS = 50


@pytest.fixture(autouse=True)
def no_dns(monkeypatch) -> None:
    """Generated webhook targets name random hosts: answer every lookup but localhost locally."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name == "localhost" or _is_ip(name):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


@pytest.fixture
def editor_token(transactional_db, make_issue, editor_user) -> str:
    make_issue(main=2, others=1, published=True)
    make_issue(main=1, others=0)
    return Token.objects.create(user=editor_user).key


def run_operation(operation, mode: GenerationMode, token: str) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    check()


def test_every_operation_answers_as_documented(live_server, editor_token):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    started = time.monotonic()
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run_operation(operation, mode, editor_token)
            except Unsatisfiable:  # nothing in this operation can be made invalid
                continue
            except Exception as exc:
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
        tested += 1
        assert time.monotonic() - started < TIME_BUDGET_SECONDS, f"slow after {tested} operations"

    assert tested >= 25
    assert not failures, "\n\n".join(failures)
