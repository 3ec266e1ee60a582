"""A small Sphinx extension: every ``{eval}`` in the prose sees the cells above it, hidden ones included.

myst-nb's inline execution runs a code cell when its outputs are rendered. A cell tagged ``remove-cell``
is never rendered, so it runs only when the next shown code cell asks for its outputs, and an ``{eval}``
in the prose between the two sees names that cell has not defined yet (a ``NameError``). JupyterLab runs
the cells in order. So before a markdown cell is rendered, every cell above it is run: the book evaluates
the prose exactly where a student's Run All does.
"""

from __future__ import annotations

from myst_nb.core.render import MditRenderMixin
from sphinx.application import Sphinx

_render_markdown = MditRenderMixin.render_nb_cell_markdown


def _render_markdown_after_cells_above(self, token) -> None:
    index = token.meta["index"]
    if index > 0:
        self.nb_client.code_cell_outputs(index - 1)  # runs every cell up to index - 1 not yet run
    _render_markdown(self, token)


def setup(app: Sphinx) -> dict:
    MditRenderMixin.render_nb_cell_markdown = _render_markdown_after_cells_above
    return {"parallel_read_safe": True, "parallel_write_safe": True}
