"""Real-browser fixtures: the app on a live local server, driven by Debian's Chromium.

Chromium is found at /usr/bin/chromium (or $KLIMAATPEIL_CHROMIUM); without
it these tests skip, or fail in CI (KLIMAATPEIL_REQUIRE_ALL=1). Every page
records the requests it makes, so a test can assert that nothing left
127.0.0.1, and the console messages, so it can assert there were no errors.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from tests.browser.pages import DEMO_APP_SETTINGS
from tests.conftest import buffered, make_app, pictures_wanted, require

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"


def save_screenshot(target, name: str) -> None:
    """``target`` as ``test-artifacts/screenshots/<name>.png``: a whole page, or one locator.

    For a person to look at; skipped unless :func:`tests.conftest.pictures_wanted`.
    """
    if not pictures_wanted():
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    options = {"full_page": True} if hasattr(target, "goto") else {}  # a locator has no page
    target.screenshot(path=str(ARTIFACTS / f"{name}.png"), **options)


def chromium_path() -> str | None:
    candidate = (
        os.environ.get("KLIMAATPEIL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    )
    return candidate if candidate and Path(candidate).exists() else None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    require(path is not None, "Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        require(False, "the Python package playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@dataclass
class LiveServer:
    app: object
    url: str
    session_factory: object


@contextmanager
def serving(app) -> Iterator[LiveServer]:
    """``app`` served on a free local port for as long as the block runs."""
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(
            app, f"http://127.0.0.1:{server.port}", app.extensions["klimaatpeil.sessionmaker"]
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    # DEMO_APP_SETTINGS: the app every page check visits (a mail server, never reached)
    with serving(make_app(tmp_path, SERVER_NAME=None, **DEMO_APP_SETTINGS)) as server:
        yield server


@dataclass
class Watched:
    """A page plus what it asked the network for and what it logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlparse(url).scheme in ("http", "https", "ws", "wss")
            and urlparse(url).hostname not in ("127.0.0.1", "localhost")
        ]

    def screenshot(self, name: str) -> None:
        save_screenshot(self.page, name)


@pytest.fixture
def watched_page(browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = context.new_page()
    watched = Watched(page)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            watched.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
    yield watched
    context.close()


@pytest.fixture
def demo_server(live_server):
    """The live server with Gemeente Demodorp, a coach, a viewer, an admin and a draft wave."""
    from tests.browser.pages import install_demo

    data = install_demo(live_server.session_factory, live_server.app.config["LINKING_KEY"])
    return live_server, data


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A and AA violations axe-core finds on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return lines


#: True once every chart the page embeds (dashboard.js: ``script[data-chart-for]``) has drawn.
_CHARTS_DRAWN = """() => Array.from(document.querySelectorAll("script[data-chart-for]")).every(
    (spec) => {
        const target = document.getElementById(spec.dataset.chartFor);
        return target === null || target.querySelector("svg") !== null;
    })"""


def settled(page) -> None:
    """Wait until ``page`` has loaded and its Vega charts have drawn.

    Instead of Playwright's ``networkidle``, which waits half a second after the last
    request on every page (two minutes of CI's time over the page checks). A chart that
    fails to draw makes this time out, and the test fail.
    """
    page.wait_for_load_state("load")
    page.wait_for_function(_CHARTS_DRAWN)


def check_page(watched: Watched, name: str, status: int = 200) -> None:
    """The checks every visited page passes: axe clean, nothing external, no console error.

    A page that answers with an error status on purpose (404, 410) makes
    Chromium log "Failed to load resource" for the page itself; only that
    message is allowed, and only for such pages.
    """
    watched.screenshot(name)
    violations = axe_violations(watched.page)
    assert violations == [], f"{name}: " + "\n".join(violations)
    assert watched.outside_requests() == [], name
    errors = [
        e for e in watched.console_errors if not (status != 200 and f"status of {status}" in e)
    ]
    assert errors == [], f"{name}: {errors}"
    watched.console_errors.clear()


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login?lang=nl")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
