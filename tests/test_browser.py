"""The rendered book in a real browser: offline, typeset, every image loaded, every slider alive, accessible.

Every page of ``_build/html`` (``make test`` builds it first) is served on 127.0.0.1 and opened in Debian's
headless Chromium through playwright. On each page: no console error, no request to another host (such
requests are blocked and recorded), no missing local file, math typeset by the book's own MathJax, every
image loaded with alt text, every range input labelled and changing its figure, and no serious or critical
axe-core violation. Chapter pages also stay under 3 MB and offer their notebook (prose evaluated, outputs cleared).
Without chromium these tests skip (locally) or fail (under CI=true); see ``tests/browser_helpers.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.browser_helpers import (
    FIGURE_IMAGE,
    PAGE_FACTS,
    Visit,
    chromium,
    raw_tex,
    require_browser,
    serious_axe_violations,
    serve,
)

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build" / "html"
NOT_PAGES = ("_static", "_sources", "_images", "mathjax", "_downloads", "vendor")
MAX_PAGE_BYTES = 3_000_000


REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.IGNORECASE)


def _html_files() -> list[str]:
    if not BUILD.is_dir():
        return []
    return sorted(
        p.relative_to(BUILD).as_posix()
        for p in BUILD.rglob("*.html")
        if p.relative_to(BUILD).parts[0] not in NOT_PAGES
    )


def _is_redirect(page: str) -> bool:
    return bool(REDIRECT.search((BUILD / page).read_text(encoding="utf-8")))


PAGES = [p for p in _html_files() if not _is_redirect(p)]  # index.html only redirects to the first page
REDIRECTS = [p for p in _html_files() if _is_redirect(p)]
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]
WEIGHTS: dict[str, dict[str, int]] = {}


def test_book_is_built():
    assert (BUILD / "index.html").is_file(), f"{BUILD} has no index.html: run `make book` first (`make test` does)"
    assert CHAPTERS, f"no chapter page under {BUILD / 'chapters'}: run `make book`"


# An element that makes the browser fetch from elsewhere, or a stylesheet rule that does.
FOREIGN = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=[\"']?(?:https?:)?//"
    r"|<link\b(?=[^>]*\brel=[\"']?(?:stylesheet|preload|modulepreload|icon|prefetch))[^>]*\bhref=[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:url\()?[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def test_built_files_reference_no_other_host():
    """No page, stylesheet or vendored MathJax file loads a script, style, image or font from another host.
    (Links a reader may follow, <a href="https://...">, are fine.) Runs without a browser."""
    files = [p for p in BUILD.rglob("*") if p.suffix in (".html", ".css")] if BUILD.is_dir() else []
    assert files, f"nothing built in {BUILD}: run `make book`"
    offenders = {
        p.relative_to(BUILD).as_posix(): m.group(0)[:120]
        for p in files
        if (m := FOREIGN.search(p.read_text(encoding="utf-8", errors="replace")))
    }
    assert not offenders, f"references to other hosts: {offenders}"


@pytest.mark.parametrize("page", REDIRECTS)
def test_redirects_lead_to_a_page(page):
    target = REDIRECT.search((BUILD / page).read_text(encoding="utf-8")).group(1)
    assert (BUILD / page).parent.joinpath(target).resolve().relative_to(BUILD.resolve()).as_posix() in PAGES


@pytest.fixture(scope="module")
def browser():
    require_browser()
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def site():
    with serve(BUILD) as base:
        yield base


@pytest.fixture(scope="module")
def opened(browser, site):
    """Each page is opened once and shared by the tests below (they only read it, or move its sliders)."""
    visits: dict[str, Visit] = {}
    yield lambda path: visits.get(path) or visits.setdefault(path, Visit(browser, site, path).open())
    for v in visits.values():
        v.close()


@pytest.fixture
def visit(opened, request):
    return opened(request.param)


@pytest.mark.parametrize("visit", PAGES, indirect=True)
def test_page_loads_offline_and_clean(visit):
    assert not visit.foreign, f"requests to other hosts: {visit.foreign}"
    assert not visit.missing, f"missing local files: {visit.missing}"
    assert not visit.failed, f"failed requests: {visit.failed}"
    assert not visit.errors, f"console errors: {visit.errors}"
    icon = visit.page.locator("link[rel='icon']").first.evaluate("link => link.href")  # else a 404 for /favicon.ico
    assert visit.page.request.get(icon).ok, f"the favicon {icon} is missing"


@pytest.mark.parametrize("visit", PAGES, indirect=True)
def test_math_is_typeset(visit):
    facts = visit.page.evaluate(PAGE_FACTS)
    assert not raw_tex(facts["text"]), f"raw TeX left in the page: {raw_tex(facts['text'])}"
    if facts["mathSources"]:
        assert facts["mathTypeset"] >= 1, f"{facts['mathSources']} math elements but no MathJax output"
        mathjax = visit.page.evaluate("() => document.querySelector('script[src*=\"tex-chtml\"]').src")
        assert mathjax.startswith(visit.base), f"MathJax loaded from {mathjax}, not from the book"


@pytest.mark.parametrize("visit", PAGES, indirect=True)
def test_images_load_with_alt_text(visit):
    visit.page.wait_for_function("() => [...document.images].every(i => i.complete)")
    facts = visit.page.evaluate(PAGE_FACTS)
    broken = [i["src"] for i in facts["images"] if i["width"] == 0 and i["visible"]]
    assert not broken, f"images that did not load: {broken}"
    no_alt = [i["src"] for i in facts["images"] if not (i["alt"] or "").strip()]
    assert not no_alt, f"images without alt text: {no_alt}"
    assert facts["widgets"] == 0, "ipywidgets output in the static book: its sliders would do nothing"


@pytest.mark.parametrize("visit", PAGES, indirect=True)
def test_every_slider_changes_its_figure(visit):
    facts = visit.page.evaluate(PAGE_FACTS)
    unlabelled = [r["id"] for r in facts["ranges"] if not r["labelled"]]
    assert not unlabelled, f"range inputs without a <label>: {unlabelled}"
    for slider in visit.page.locator("input[type=range]").all():
        before = slider.evaluate(FIGURE_IMAGE)
        assert before, f"slider {slider.get_attribute('id')} drives no figure image"
        # Keyboard moves, as a reader makes them, one step at a time across the whole range (from the
        # start towards the far end) until the figure changes: a slider that never changes it is a bug.
        key = "ArrowLeft" if slider.evaluate("r => +r.value === +r.max") else "ArrowRight"
        steps = slider.evaluate("r => Math.round((+r.max - +r.min) / (+r.step || 1))")
        for _ in range(steps):
            slider.press(key)
            if slider.evaluate(FIGURE_IMAGE) != before:
                break
        else:
            pytest.fail(f"moving slider {slider.get_attribute('id')} over its {steps + 1} values never changed its figure")
    for player in visit.page.locator("div.animation").all():  # to_jshtml animations: step one frame
        before = player.locator("img").get_attribute("src")
        player.get_by_role("button", name="Next frame").click()
        assert player.locator("img").get_attribute("src") != before, "'Next frame' did not change the animation"


@pytest.mark.parametrize("visit", PAGES, indirect=True)
def test_no_serious_accessibility_violation(visit):
    violations = serious_axe_violations(visit.page)
    assert not violations, "axe-core:\n" + "\n".join(violations)


@pytest.mark.parametrize("visit", CHAPTERS, indirect=True)
def test_chapter_page_weight(visit):
    """A chapter page with its images stays under 3 MB, and so does everything a first visit transfers.

    ``page`` is the html (the slider frames are data: URIs inside it) plus its image files. The theme's
    and MathJax's scripts, styles and fonts (about 3.6 MB uncompressed) are the same for every page and
    cached after the first; ``first visit`` counts them too, gzip-compressed as any web server sends them.
    """
    weight = {"html": 0, "images": 0, "assets": 0, "first visit": 0}
    for url, (size, compressed) in visit.sizes.items():
        kind = {"document": "html", "image": "images"}.get(visit.kinds[url], "assets")
        weight[kind] += size
        weight["first visit"] += size if kind == "images" else compressed
    weight["page"] = weight["html"] + weight["images"]
    weight["sliders"] = visit.page.locator("input[type=range]").count()
    WEIGHTS[visit.url.removeprefix(visit.base)] = weight
    assert weight["page"] < MAX_PAGE_BYTES, f"{visit.url}: html and images weigh {weight['page']:,} bytes"
    assert weight["first visit"] < MAX_PAGE_BYTES, f"{visit.url}: a first visit transfers {weight['first visit']:,} bytes"


@pytest.mark.parametrize("visit", CHAPTERS, indirect=True)
def test_chapter_offers_its_notebook_and_no_dead_binder_button(visit):
    page = visit.page
    name = Path(visit.url).stem
    notebook = page.locator("a[href$='.ipynb']").first
    href = notebook.evaluate("a => a.href")
    response = page.request.get(href)
    assert response.ok, f"the .ipynb download {href} answers {response.status}"
    cells = json.loads(response.body())["cells"]
    assert not any(c.get("outputs") for c in cells), "the download carries static outputs (dead sliders in Jupyter)"
    source = (ROOT / "chapters" / f"{name}.md").read_text()
    text = {kind: ["".join(c["source"]) for c in cells if c["cell_type"] == kind] for kind in ("code", "markdown")}
    assert text["code"] and all(c.strip() in source for c in text["code"]), "the notebook's code cells are not the chapter's"
    prose = "\n".join(text["markdown"])
    assert "{eval}" not in prose and "{glue" not in prose, "the download's prose has raw placeholders"
    if "{eval}" in source:
        assert any(c["metadata"].get("user_expressions") for c in cells if c["cell_type"] == "markdown")
    # repository.url is empty until the book has a public repository: no Binder button (tests/test_launch.py
    # builds a page with it set)
    assert not yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert page.locator("a[href*='mybinder.org']").count() == 0, "a Binder button to a repository that is not set"


def test_print_weights():
    """The weight table of the chapter pages measured above (shown with ``pytest -s`` or ``-rA``)."""
    if not WEIGHTS:
        pytest.skip("no page weight measured in this run")
    columns = ["page", "html", "images", "assets", "first visit", "sliders"]
    lines = [f"{'chapter page':48}" + "".join(f"{c:>13}" for c in columns)]
    for name, w in sorted(WEIGHTS.items()):
        lines.append(f"{name:48}" + "".join(f"{w[c]:>13,}" for c in columns))
    print("\n" + "\n".join(lines))
    assert all(w["page"] < MAX_PAGE_BYTES and w["first visit"] < MAX_PAGE_BYTES for w in WEIGHTS.values())
