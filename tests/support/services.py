"""Where the real services of the machine are, and what to do when one is missing.

Under CI=true a missing service, or a missing ../shared folder, fails the test run;
on a developer's machine the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(os.environ.get("BRIEFROOM_SHARED_DIR", ROOT.parent / "shared"))
PAGES_DIR = SHARED_DIR / "fixtures" / "pages"
SEED_DIR = SHARED_DIR / "seed"
IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def unavailable(reason: str) -> NoReturn:
    """Skip locally, fail in CI: CI must never pass by skipping what it should test."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_shared() -> Path:
    if not PAGES_DIR.is_dir() or not SEED_DIR.is_dir():
        unavailable(f"the shared fixtures folder {SHARED_DIR} is absent")
    return SHARED_DIR


def require_redis() -> str:
    if not port_open("127.0.0.1", 6379):
        unavailable("Redis is not answering on 127.0.0.1:6379")
    return REDIS_TEST_URL
