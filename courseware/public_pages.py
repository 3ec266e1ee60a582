"""A Sphinx extension for the public book: the assignment pages show the exercise, never the solution.

The sources in ``assignments/`` hold the solutions (the solution notebooks and the autograder are built
from them). When Sphinx reads an assignment page, this extension hands it the student version of the text
instead (``courseware.student_edition.student_page``: solution cells cut to stubs, gated solutions and
``instructor`` cells removed, not executed). When the build finishes it overwrites the page's downloads,
``_sources/assignments/NAME.md`` and ``.ipynb``, with the same student version, so no solution leaves
the book. ``_config.yml`` loads it as a local extension.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
from sphinx.application import Sphinx

from courseware.student_edition import notebook_sources, student_page


def _assignments(app: Sphinx) -> dict[str, Path]:
    """docname -> source path of every assignment page (the toc's assignments, not the instructor page)."""
    root = Path(app.srcdir)
    return {
        path.relative_to(root).with_suffix("").as_posix(): path
        for path in notebook_sources(root)
        if path.parent.name == "assignments"
    }


def _read_student_version(app: Sphinx, docname: str, source: list[str]) -> None:
    path = _assignments(app).get(docname)
    if path is not None:
        source[0] = student_page(path)


def _replace_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for docname, path in _assignments(app).items():
        text = student_page(path)
        for download in Path(app.outdir, "_sources").glob(f"{docname}.*"):
            if download.suffix == ".ipynb":
                notebook = jupytext.reads(text, fmt="md:myst")
                notebook.metadata.pop("jupytext", None)
                nbformat.write(notebook, download)
            else:
                download.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("source-read", _read_student_version)
    app.connect("build-finished", _replace_downloads, priority=950)  # after vendor/book_pages.py's clean-up (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
