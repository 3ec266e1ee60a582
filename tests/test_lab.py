"""Students in JupyterLab: every chapter opens as a notebook, runs, reads, moves and saves unchanged.

A real JupyterLab (from the project's venv, the one ``make lab`` starts, with the settings override that
``make`` installs) serves a copy of the chapters on 127.0.0.1 with a token; Debian's Chromium, driven by
playwright, is the student. For every chapter:

* ``/lab/tree/chapters/NAME.md`` opens as a notebook (not as text);
* Run All finishes with no error output;
* the rendered prose holds no raw MyST (``{eval``, ``{glue``, ``{numref``, ``:::{``) and shows numbers;
* no set-up, assert or solution code is visible (those cells are collapsed);
* every live slider changes its figure, and no widget error box appears;
* no request leaves 127.0.0.1 (jupyterlab-myst and the widget manager are served locally);
* saving the run notebook leaves the ``.md`` byte-identical.

Run All time per chapter is printed (``pytest -s``). Without chromium these tests skip (locally) or fail
(under ``CI=true``), as the book's browser tests do.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import jupytext
import pytest

from tests.browser_helpers import TIMEOUT_MS, check_live_figures, chromium, require_browser

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p.name for p in (ROOT / "chapters").glob("*.md"))
RAW_MYST = ("{eval", "{glue", "{numref", "{doc}", ":::{", "```{")
NOTEBOOK7_CHAPTER = "04_variance.md"  # three sliders
PROSE = ".jp-MarkdownCell .myst"
PROMPTS = ".jp-Notebook .jp-CodeCell .jp-InputPrompt"
POLL_MS = 250  # how often a wait looks at the page: on every frame (the default), the test would take CPU from the kernel it times
HIDDEN_CODE = ("assert ", "use_style(", "from reparam.plotting import")
RUN_ALL_TIMES: dict[str, float] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab on 127.0.0.1 serving a copy of the chapters; yields (base URL, token, root folder)."""
    require_browser()
    jupyter = Path(sys.executable).parent / "jupyter"
    settings = Path(sys.prefix, "share", "jupyter", "lab", "settings", "overrides.json")
    assert settings.is_file(), "the settings override is missing: `make` installs lab/overrides.json into the venv"
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "chapters", root / "chapters")
    shutil.copy(ROOT / "pyproject.toml", root)  # the [tool.jupytext] settings, found as in the repository
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY"))}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               MPLCONFIGDIR=str(home / "mpl"))
    env.pop("REPARAM_FIGURES", None)  # live sliders, as a student gets them
    port, token = _free_port(), secrets.token_hex(16)
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", "--LabApp.news_url=None", f"--ServerApp.root_dir={root}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}api/status?token={token}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(home / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.1)
        yield base, token, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    with chromium() as browser:
        yield browser


def _live_figures(name: str) -> int:
    """How many ``explore`` figures the chapter makes (each is one live box after Run All)."""
    code = "\n".join(c.source for c in jupytext.read(ROOT / "chapters" / name).cells if c.cell_type == "code")
    return len(re.findall(r"^explore\(", code, re.M))


def _inline_code(name: str) -> tuple[set[str], Counter]:
    """The chapter's {eval} expressions, and how often each text appears as plain inline code in its prose."""
    prose = "\n".join(c.source for c in jupytext.read(ROOT / "chapters" / name).cells if c.cell_type == "markdown")
    expressions = set(re.findall(r"\{eval\}`([^`]+)`", prose))
    return expressions, Counter(re.findall(r"(?<!\{eval\})`([^`\n]+)`", prose))


def _run_all(page) -> float:
    """Run > Run All Cells, then wait until every code cell has run; return the seconds it took."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")
    start = time.monotonic()
    for _ in range(2):
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        # the item is disabled until the notebook is the current widget (late on a busy machine)
        page.locator(".lm-Menu-item:not(.lm-mod-disabled)", has_text="Run All Cells").first.click()
        try:  # a click that did nothing (every prompt still blank) is tried once more, as a student would
            page.wait_for_function(
                "sel => [...document.querySelectorAll(sel)].some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))",
                arg=PROMPTS,
                timeout=30_000,
                polling=POLL_MS,
            )
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    # Collapsed cells show no prompt; every shown one must carry its execution count, none a [*].
    try:
        page.wait_for_function(
            """sel => {
              const prompts = [...document.querySelectorAll(sel)].map(p => p.textContent.trim()).filter(t => t);
              return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]/.test(t));
            }""",
            arg=PROMPTS,
            timeout=TIMEOUT_MS,
            polling=POLL_MS,
        )
    except PlaywrightTimeout as error:  # say what the notebook shows, not only that the wait timed out
        prompts = page.locator(PROMPTS).all_inner_texts()
        status = page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
        pytest.fail(f"Run All did not finish: kernel {status}, prompts {[t.strip() for t in prompts]}: {error}")
    page.wait_for_function(
        "() => !document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=\"busy\"]')",
        timeout=TIMEOUT_MS,
        polling=POLL_MS,
    )
    return time.monotonic() - start


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_as_a_student_runs_it(lab, browser, name):
    base, token, root = lab
    foreign: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)

    def route(r):
        host = urlsplit(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    try:
        # A workspace of its own, as a student opening one chapter has: the default workspace would reopen the
        # chapters of earlier tests beside it (their kernels stopped, their cells never run).
        page.goto(f"{base}lab/workspaces/{Path(name).stem}/tree/chapters/{name}?token={token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=TIMEOUT_MS)  # a notebook, not text
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT_MS)
        assert page.locator(".jp-NotebookPanel").count() == 1, "other notebooks are open beside the chapter"
        RUN_ALL_TIMES[name] = _run_all(page)

        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()[:2000]

        # jupyterlab-myst renders each Markdown cell into a `.myst` element (not JupyterLab's .jp-RenderedMarkdown)
        prose = page.locator(PROSE).all_inner_texts()
        assert len(prose) == page.locator(".jp-MarkdownCell").count() > 0, "a Markdown cell is not rendered by MyST"
        raw = [s for text in prose for s in RAW_MYST if s in text]
        assert not raw, f"raw MyST in the rendered prose: {raw}"
        # jupyterlab-myst shows an {eval} it has no value for as its expression, in <code>: more <code> with an
        # expression's text than the prose has as plain inline code (`episodes` may be both) means one is unevaluated
        expressions, literal = _inline_code(name)
        shown = Counter(t for t in page.locator(f"{PROSE} code").all_inner_texts() if t in expressions)
        unevaluated = sorted(t for t, k in shown.items() if k > literal[t])
        assert not unevaluated, f"{len(unevaluated)} expressions not evaluated after Run All: {unevaluated[:5]}"

        visible_code = page.locator(".jp-CodeCell:not(.jp-mod-collapsed) .jp-InputArea:visible .cm-content")
        for text in visible_code.all_inner_texts():
            assert not any(s in text for s in HIDDEN_CODE), f"set-up or assert code is visible:\n{text[:500]}"

        check_live_figures(page, expected=_live_figures(name))

        page.keyboard.press("Control+s")
        page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=TIMEOUT_MS)
        time.sleep(0.5)
        saved, original = (root / "chapters" / name).read_bytes(), (ROOT / "chapters" / name).read_bytes()
        assert saved == original, "saving the run notebook changed the .md"
        assert not foreign, f"requests left 127.0.0.1: {sorted(set(foreign))[:10]}"
        page.screenshot(path=str(root / f"{Path(name).stem}.png"), full_page=False)
    finally:
        context.close()
        _shut_down_kernels(base, token)


def _shut_down_kernels(base: str, token: str) -> None:
    """Stop the chapter's kernel, as a student closing the notebook would, so kernels do not pile up."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}api/kernels", headers=headers)) as answer:
        kernels = json.load(answer)
    for kernel in kernels:
        urllib.request.urlopen(urllib.request.Request(f"{base}api/kernels/{kernel['id']}", headers=headers, method="DELETE"))


def test_notebook7_runs_a_chapter_with_live_sliders(lab, browser):
    """Notebook 7 (the same server's /notebooks/ interface) opens a chapter as a notebook; its sliders redraw."""
    base, token, root = lab
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{base}notebooks/chapters/{NOTEBOOK7_CHAPTER}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=TIMEOUT_MS)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT_MS)
        _run_all(page)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()[:2000]
        counts = check_live_figures(page, expected=_live_figures(NOTEBOOK7_CHAPTER))
        assert counts["sliders"] > 0, counts
    finally:
        context.close()


def test_print_run_all_times():
    """Run All time per chapter in JupyterLab (shown with ``pytest -s``)."""
    if not RUN_ALL_TIMES:
        pytest.skip("no chapter was run in this session")
    print("\n" + "\n".join(f"{name:40} {seconds:6.1f} s" for name, seconds in sorted(RUN_ALL_TIMES.items())))
    assert all(seconds > 0 for seconds in RUN_ALL_TIMES.values())
