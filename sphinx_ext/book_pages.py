"""A small Sphinx extension (``local_extensions`` in _config.yml): the rendered pages self-contained and accessible.

* It stops the build early, with the command to run, if MathJax has not been vendored (``make book``
  runs ``npm ci`` in ``vendor/`` and copies MathJax to ``vendor/site/mathjax``, served via html_extra_path).
* sphinx-thebe (loaded by Jupyter Book even when Thebe is off) declares its configuration twice on every
  page, a JavaScript error; with Thebe off its scripts and stylesheet are dropped from the pages.
* pydata-sphinx-theme logs a console error when no colour mode is set; the book sets ``light`` (the
  figures are drawn on white), and the reader can still switch.
* With a launch button configured, sphinx-book-theme offers each chapter's executed notebook for download
  (``_sources/**/*.ipynb``). Its outputs are the static book's (slider frames whose scripts Jupyter does not
  run): they are cleared, so the download opens clean and its sliders come alive when it runs.
* The theme's link colour falls below 4.5:1 on its tinted boxes: ``sphinx_ext/static/book.css`` darkens it.
* docutils marks a bibliography as ``role="list"`` whose entries have ``role="doc-biblioentry"``, which is
  not a list item (axe-core: aria-required-children, critical); the entries become ``role="listitem"``.
"""

from __future__ import annotations

import posixpath
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


def _clear_downloaded_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    for path in Path(app.outdir, "_sources").rglob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, path)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure)
    app.add_css_file("book.css")
    app.connect("html-page-context", _clean_assets, priority=900)
    app.connect("build-finished", _clear_downloaded_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
