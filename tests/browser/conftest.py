"""Real headless Chromium against the live archive, plus axe-core and the Nu HTML checker.

Everything comes from the machine: Debian's /usr/bin/chromium driven by the playwright
package, node_modules from package-lock.json, the system Java. tests/browser/ensure_browser.sh
installs what it can; anything still missing skips here locally and fails under CI=true.
No request leaves the machine: every URL outside the live server gets a placeholder image.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache

from tests.support.services import IN_CI, ROOT, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SETUP_HINT = "run tests/browser/ensure_browser.sh"
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450">'
    '<rect width="800" height="450" fill="#9aabbb"/></svg>'
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _tools_installed() -> None:
    """Under CI, install what is missing before declaring it missing (`make test` does too)."""
    needed = [CHROMIUM, AXE, VNU]
    if IN_CI and (not all(path.exists() for path in needed) or shutil.which("java") is None):
        subprocess.run(["bash", str(ROOT / "tests/browser/ensure_browser.sh")], check=False)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: {SETUP_HINT} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while the browser is open;
    # the database work the tests do between browser steps is still synchronous code.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Tab:
    """A page with everything it logged that a reader would count as broken."""

    page: Page
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_tab(chromium, live_server) -> Iterator:
    """Open pages in fresh contexts: `open_tab(width=390, color_scheme="dark")`."""
    contexts = []

    def _open(width: int = 1280, height: int = 900, **options) -> Tab:
        context = chromium.new_context(
            viewport={"width": width, "height": height},
            base_url=live_server.url,
            reduced_motion="reduce",
            **options,
        )
        contexts.append(context)
        context.route("**/*", _offline(live_server.url))
        tab = Tab(page=context.new_page())

        def on_console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning"):
                tab.errors.append(message.text)

        tab.page.on("console", on_console)
        tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
        return tab

    yield _open
    for context in contexts:
        context.close()


def _offline(own_origin: str):
    def handle(route) -> None:
        if route.request.url.startswith(own_origin):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER_SVG)

    return handle


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        unavailable(f"{AXE.relative_to(ROOT)} is missing: {SETUP_HINT} (npm ci)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        unavailable(f"java is missing for the Nu HTML checker: {SETUP_HINT}")
    if not VNU.exists():
        unavailable(f"{VNU.relative_to(ROOT)} is missing: {SETUP_HINT} (npm ci)")
    return [java, "-jar", str(VNU), "--format", "json", "--stdout"]
