"""A small Sphinx extension (``local_extensions`` in _config.yml): the rendered pages self-contained and accessible.

* It stops the build early, with the command to run, if MathJax has not been vendored (``make book``
  runs ``npm ci`` in ``vendor/`` and copies MathJax to ``vendor/site/mathjax``, served via html_extra_path).
* sphinx-thebe (loaded by Jupyter Book even when Thebe is off) declares its configuration twice on every
  page, a JavaScript error; with Thebe off its scripts and stylesheet are dropped from the pages.
* pydata-sphinx-theme logs a console error when no colour mode is set; the book sets ``light`` (the
  figures are drawn on white), and the reader can still switch.
* Launch, honestly: the repository's address lives in one place, ``repository.url`` in ``_config.yml``.
  While it is empty (the book is not yet in a public repository) no Binder button is shown, since a dead
  button is a bug; once set, each chapter gets a Binder button that opens it in JupyterLab (``binder/``).
* Every chapter offers its notebook for download (``_sources/**/*.ipynb``), with or without a launch
  button. Its outputs are the static book's (slider frames whose scripts Jupyter does not run): they are
  cleared, so its sliders come alive when it runs; the prose's ``{eval}`` values (kept by ``inline_eval``)
  are written into the text, so it reads right in a JupyterLab without jupyterlab-myst too.
* The theme's link colour falls below 4.5:1 on its tinted boxes: ``sphinx_ext/static/book.css`` darkens it.
* docutils marks a bibliography as ``role="list"`` whose entries have ``role="doc-biblioentry"``, which is
  not a list item (axe-core: aria-required-children, critical); the entries become ``role="listitem"``.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError


def _configure(app: Sphinx, config) -> None:
    path = config.mathjax_path
    if "://" in path:
        raise ConfigError(f"mathjax_path is {path!r}, a remote file: the book must serve MathJax itself")
    served = posixpath.normpath(posixpath.join("_static", path))  # a relative mathjax_path starts in _static
    if not any(Path(app.confdir, extra, served).is_file() for extra in config.html_extra_path):
        raise ConfigError(
            f"MathJax ({served}) is not vendored in {config.html_extra_path}: run `make book`, which runs "
            "`npm ci` in vendor/ and copies MathJax to vendor/site/mathjax"
        )
    config.html_context.setdefault("default_mode", "light")  # pydata-sphinx-theme reads it from the context
    options = config.html_theme_options
    if not options.get("repository_url") and "launch_buttons" in options:
        options["launch_buttons"] = {k: v for k, v in options["launch_buttons"].items() if k != "binderhub_url"}
    config.html_static_path.append(str(Path(__file__).parent / "static"))


def _thebe_on(app: Sphinx) -> bool:
    return bool(app.config.html_theme_options.get("launch_buttons", {}).get("thebe"))


def _clean_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    def keep(asset) -> bool:
        name = str(getattr(asset, "filename", asset) or "")
        body = getattr(asset, "attributes", {}).get("body", "")
        return _thebe_on(app) or ("thebe" not in name and "THEBE_JS_URL" not in body)

    for key in ("script_files", "css_files"):
        if key in context:
            seen, kept = set(), []
            for asset in context[key]:
                ident = (str(getattr(asset, "filename", asset)), str(getattr(asset, "attributes", "")))
                if ident not in seen and keep(asset):
                    seen.add(ident)
                    kept.append(asset)
            context[key] = kept
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def _offer_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's executed notebook as ``_sources/PAGE.ipynb`` and the theme's download button for it."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is None or not executed.is_file():
        return
    target = Path(app.outdir, "_sources", f"{pagename}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


_EVAL = re.compile(r"\{eval\}`([^`]+)`")


def _evaluated_prose(cell) -> str:
    """The markdown cell's text with each ``{eval}`expr` `` replaced by the value the book computed."""
    values = {}
    for kept in cell.metadata.get("user_expressions", []):
        text = kept["result"]["data"].get("text/plain", "")
        values.setdefault(kept["expression"], re.sub(r"^(['\"])(.*)\1$", r"\2", text))
    return _EVAL.sub(lambda m: values.get(m.group(1), m.group(0)), cell.source)


def _clear_downloaded_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    for path in Path(app.outdir, "_sources").rglob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            elif cell.cell_type == "markdown":
                cell.source = _evaluated_prose(cell)
        nbformat.write(notebook, path)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure)
    app.add_css_file("book.css")
    app.connect("html-page-context", _clean_assets, priority=900)
    app.connect("html-page-context", _offer_notebook, priority=500)  # before the theme's buttons (501)
    app.connect("build-finished", _clear_downloaded_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
