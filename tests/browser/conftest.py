"""Fixtures for the browser tests: a tiny model, the app on a free loopback port, and
Debian's Chromium driven by Playwright (never a downloaded browser).

The tests skip, saying why, only when Chromium or Playwright is absent; ``make test``
installs both (``make browser-deps`` and the ``test`` extra).
"""

from __future__ import annotations

import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LAPTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 20_000  # any single wait; the whole module takes well under a minute


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        how = ("run `make browser-deps` as root" if shutil.which("apt-get")
               else "no apt-get on this machine to install it")
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}: {how}")
    pytest.importorskip("playwright.sync_api",
                        reason="Playwright is not installed: pip install -e '.[test]'")
    return CHROMIUM


class Server:
    """The app served by werkzeug on 127.0.0.1 in a background thread."""

    def __init__(self, model_dir: Path) -> None:
        from werkzeug.serving import make_server

        from api import create_app

        self._server = make_server("127.0.0.1", 0, create_app({"MODEL_DIR": str(model_dir)}),
                                   threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def post(self, path: str, body: bytes, content_type: str = "application/json") -> dict:
        """POST and decode the JSON answer (problem details included)."""
        request = urllib.request.Request(self.url + path, data=body, method="POST",
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return orjson.loads(response.read())
        except urllib.error.HTTPError as exc:
            return orjson.loads(exc.read())

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(model_dir: Path) -> Iterator[Server]:
    running = Server(model_dir)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path),
                                              args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser, server: Server):
    """``open_page(viewport=LAPTOP, **context_options)``: a fresh page that may reach the
    test server only; any other request is refused and recorded in ``page.blocked``, so a
    test can assert that the page works offline. ``page.errors`` collects script errors."""
    contexts = []

    def opener(viewport: dict[str, int] = LAPTOP, **options):
        context = browser.new_context(viewport=viewport, accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.blocked = []
        page.errors = []  # script errors and console errors (CSP violations included)
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))

        def guard(route) -> None:
            if route.request.url.startswith(server.url + "/"):
                route.continue_()
            else:
                page.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def offline_page(open_page):
    """A laptop-sized page (see ``open_page``)."""
    return open_page()
