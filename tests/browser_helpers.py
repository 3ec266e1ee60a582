"""Shared machinery of the browser tests: a local web server over a folder, and a headless Chromium.

Debian's chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) is driven through playwright's Python API;
``playwright install`` is never needed. Without chromium the tests skip, saying how to install it, except
under ``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 120_000  # generous: the machine running the tests may be busy (a page loads in ~4 s when idle)
INSTALL_HINT = "install Debian's browser with `apt-get install chromium` (or set $CHROMIUM to a Chromium binary)"


def require_browser() -> None:
    """Skip (locally) or fail (under CI=true) when chromium or playwright is missing."""
    problem = None
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        problem = f"no Chromium at {CHROMIUM}: {INSTALL_HINT}"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright Python package is missing: pip install -r requirements.txt"
    if problem is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run under CI: {problem}")
    pytest.skip(f"browser tests skipped: {problem}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 at a free port in a thread; yield its base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """One page opened in a fresh browser context, with every problem the page causes recorded.

    ``foreign``: requests to any host but the local server (they are blocked, not sent);
    ``missing``: local responses with status >= 400; ``errors``: console errors and uncaught exceptions;
    ``failed``: local requests that failed; ``sizes``: bytes of every local response body, raw and gzip-compressed, by URL.
    """

    def __init__(self, browser, base: str, path: str) -> None:
        self.base, self.url = base, base + path
        self.foreign: list[str] = []
        self.missing: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.sizes: dict[str, tuple[int, int]] = {}
        self.kinds: dict[str, str] = {}
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    def _local(self, url: str) -> bool:
        return url.startswith(self.base) or urlsplit(url).scheme in ("data", "blob", "about")

    def _route(self, route) -> None:
        url = route.request.url
        if self._local(url):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")

    def _request_failed(self, request) -> None:
        if self._local(request.url) and not request.url.startswith("data:"):
            self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        url = response.url
        if url.startswith("data:") or not self._local(url):
            return
        if response.status >= 400:
            self.missing.append(f"{response.status} {url}")
            return
        try:
            body = response.body()
        except Exception:  # a page that redirects (index.html) is navigated away from: no body to weigh
            return
        self.sizes[url] = (len(body), len(gzip.compress(body, compresslevel=6)))
        self.kinds[url] = response.request.resource_type

    def open(self) -> Visit:
        self.page.goto(self.url, wait_until="load")
        # MathJax 3 typesets after load; wait for it where the page loads it.
        self.page.wait_for_function("() => !window.MathJax || !!(window.MathJax.startup && window.MathJax.startup.promise)")
        self.page.evaluate("() => window.MathJax ? window.MathJax.startup.promise : null")
        self.page.wait_for_load_state("networkidle")
        return self

    def close(self) -> None:
        self.context.close()


# What the browser reports about a page, in one evaluation -------------------------------------------------

PAGE_FACTS = """() => {
  const text = (() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight').forEach(e => e.remove());
    return clone.textContent;
  })();
  const images = [...document.images].map(img => ({
    src: img.currentSrc.slice(0, 120), complete: img.complete, width: img.naturalWidth,
    alt: img.getAttribute('alt'), visible: img.getClientRects().length > 0,
  }));
  const ranges = [...document.querySelectorAll('input[type=range]')].map(r => ({
    id: r.id, labelled: r.labels.length > 0 && [...r.labels].some(l => l.textContent.trim().length > 0),
  }));
  return {
    text,
    images,
    ranges,
    mathSources: document.querySelectorAll('.math, span.math, div.math').length,
    mathTypeset: document.querySelectorAll('mjx-container').length,
    widgets: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"], script[type="application/vnd.jupyter.widget-state+json"]').length,
  };
}"""

# The figure a range input drives: an explore figure's <img>, or a to_jshtml animation's.
FIGURE_IMAGE = """(input) => {
  const box = input.closest('figure.rp-explore') || input.closest('.animation');
  const img = box ? box.querySelector('img') : null;
  return img ? img.currentSrc || img.src : null;
}"""


def raw_tex(text: str) -> list[str]:
    """Fragments of TeX that MathJax should have typeset but did not."""
    found = []
    for marker in ("\\(", "\\)", "\\[", "\\]", "$$", "\\begin{", "\\frac"):
        at = text.find(marker)
        if at >= 0:
            found.append(text[max(0, at - 30) : at + 40])
    return found


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on ``page`` (axe.min.js from axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


# Live figures in JupyterLab or Notebook 7 ----------------------------------------------------------------

# What a failed cell or widget shows: a traceback on stderr, or ipywidgets' red "Click to show javascript
# error." box (a view that could not be created), or "Error displaying widget".
LIVE_ERRORS = (
    '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"], '
    ".jupyter-widgets-error-widget, .jp-OutputArea-output:has-text('Error displaying widget')"
)

# The live figure of one reparam.interactive.explore box (an <img> in an ipywidgets.HTML): its src and alt.
LIVE_FIGURE = """(box) => {
  const img = box.querySelector('.rp-live-figure img');
  return img ? [img.getAttribute('src'), img.getAttribute('alt')] : null;
}"""


def live_errors(page) -> list[str]:
    """The text of every error box in the notebook: stderr output, a widget that failed to display."""
    return [e.inner_text()[:500] for e in page.locator(LIVE_ERRORS).all()]


def check_live_figures(page, *, expected: int | None = None, timeout_ms: int = TIMEOUT_MS) -> dict[str, int]:
    """Move every live slider and step every animation of a notebook open and run in JupyterLab or Notebook 7.

    ``page`` is a playwright page showing the notebook after "Run All Cells" has finished. For each
    ``reparam.interactive.explore`` box (``.rp-live``), each slider handle is moved one step with the
    mouse, as a reader would (towards its other end), and the figure must change: a new image with
    alt text that names the slider's new value. Each ``reparam.interactive.animation`` player
    (``div.animation``) must change its frame on "Next frame". Before and after, no error box may be
    on the page (``LIVE_ERRORS``). With ``expected``, waits for that many live boxes first (widgets
    render after the kernel replies) and fails if there are more or fewer.

    Returns the counts ``{"figures": ..., "sliders": ..., "animations": ...}`` checked.
    """
    boxes = page.locator(".rp-live")
    if expected is not None:
        page.wait_for_function(
            "n => document.querySelectorAll('.rp-live .rp-live-figure img').length >= n", arg=expected, timeout=timeout_ms
        )
        assert boxes.count() == expected, f"{boxes.count()} live figures on the page, expected {expected}"
    errors = live_errors(page)
    assert not errors, f"error boxes in the notebook: {errors}"
    counts = {"figures": boxes.count(), "sliders": 0, "animations": 0}
    for box in boxes.all():
        box.scroll_into_view_if_needed()
        figure = box.element_handle()
        for slider in box.locator(".widget-slider").all():
            handle = slider.locator(".noUi-handle[role=slider]")
            before = figure.evaluate(LIVE_FIGURE)
            assert before and before[1].strip(), f"a live figure without alt text: {before and before[1]!r}"
            # One step towards the far end, by a click on the track where the next value sits (the keyboard
            # moves a slider in JupyterLab but not in Notebook 7, whose shortcuts take the arrow keys).
            now, top = float(handle.get_attribute("aria-valuenow")), float(handle.get_attribute("aria-valuemax"))
            target = now - 1 if now == top else now + 1
            where = min(max(target / top, 0.03), 0.97)  # the ends of the track are its edges: click just inside
            base = slider.locator(".noUi-base")
            base.scroll_into_view_if_needed()  # Run All leaves the notebook scrolled to its end
            track = base.bounding_box()
            base.click(position={"x": track["width"] * where, "y": track["height"] / 2}, force=True)
            page.wait_for_function(
                "([box, src]) => { const i = box.querySelector('.rp-live-figure img'); return i && i.getAttribute('src') !== src; }",
                arg=[figure, before[0]],
                timeout=timeout_ms,
            )
            src, alt = figure.evaluate(LIVE_FIGURE)
            value = slider.locator(".widget-readout").inner_text().strip()  # the value as shown
            assert alt != before[1] and f"= {value}" in alt, f"alt text {alt!r} does not name the new value {value!r}"
            counts["sliders"] += 1
    for player in page.locator("div.animation").all():
        player.scroll_into_view_if_needed()
        before = player.locator("img").get_attribute("src")
        player.get_by_role("button", name="Next frame").click()
        assert player.locator("img").get_attribute("src") != before, "'Next frame' did not change the animation"
        counts["animations"] += 1
    errors = live_errors(page)
    assert not errors, f"error boxes in the notebook after moving the sliders: {errors}"
    return counts
