from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.support")

from django.conf import settings  # noqa: E402

from tests.support.services import IN_CI, require_redis, require_shared  # noqa: E402
from tests.support.sites import SiteMap, rewriting  # noqa: E402

pytest_plugins = ["tests.support.httpserver"]


def pytest_configure(config: pytest.Config) -> None:
    vendor = settings.DATABASES["default"]["ENGINE"]
    if IN_CI and "postgresql" not in vendor:
        raise pytest.UsageError(
            "CI=true needs PostgreSQL: set DATABASE_URL or start Postgres on 127.0.0.1:5432"
        )


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def pages_dir(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "pages"


@pytest.fixture(scope="session")
def seed_path(shared_dir: Path) -> Path:
    return shared_dir / "seed" / "ai-brief-20210219.md"


@pytest.fixture(scope="session")
def redis_url() -> str:
    return require_redis()


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Path, settings) -> None:
    """Each test writes uploaded and fetched files to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _page_cache_forgotten() -> None:
    """Each test starts with no content version or page copy remembered by this process."""
    from digest import pagecache

    pagecache.forget()


@pytest.fixture
def sites(local_server, monkeypatch) -> SiteMap:
    """Public URLs answered by the local server; everything else is unreachable."""
    from core import fetcher

    site_map = SiteMap(local_server)
    monkeypatch.setattr(fetcher, "fetch", rewriting(fetcher.fetch, site_map.urls))
    return site_map
