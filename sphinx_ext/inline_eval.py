"""A small Sphinx extension for MyST's inline ``{eval}`` role: the numbers in the prose.

1. **Order.** myst-nb's inline execution runs a code cell when its outputs are rendered. A cell tagged
   ``remove-cell`` is never rendered, so it runs only when the next shown code cell asks for its outputs,
   and an ``{eval}`` in the prose between the two sees names that cell has not defined yet (a
   ``NameError``). JupyterLab runs the cells in order. So before a markdown cell is rendered, every cell
   above it is run: the book evaluates the prose exactly where a student's Run All does.
2. **Kept values.** Each value is stored in its markdown cell's ``user_expressions`` metadata, the format
   jupyterlab-myst writes after Run All, in the executed notebook that becomes the page's ``.ipynb``
   download (``book_pages`` then writes the values into the prose, for a JupyterLab without MyST).
"""

from __future__ import annotations

from myst_nb.core.execute.inline import NotebookClientInline
from myst_nb.core.render import MditRenderMixin
from sphinx.application import Sphinx

_render_markdown = MditRenderMixin.render_nb_cell_markdown
_eval_variable = NotebookClientInline.eval_variable


def _render_markdown_after_cells_above(self, token) -> None:
    index = token.meta["index"]
    if index > 0:
        self.nb_client.code_cell_outputs(index - 1)  # runs every cell up to index - 1 not yet run
    self.nb_client.markdown_cell_index = index
    _render_markdown(self, token)


def _eval_and_keep(self: NotebookClientInline, expression: str) -> list:
    outputs = _eval_variable(self, expression)
    index = getattr(self, "markdown_cell_index", None)
    results = [out for out in outputs if out.get("output_type") == "execute_result"]
    if index is not None and results:
        result = {"status": "ok", "data": dict(results[0]["data"]), "metadata": {}}
        cell = self.notebook.cells[index]  # reassigned, not appended in place: the node may store a copy
        kept = [*cell.metadata.get("user_expressions", []), {"expression": expression, "result": result}]
        cell.metadata["user_expressions"] = kept
    return outputs


def setup(app: Sphinx) -> dict:
    MditRenderMixin.render_nb_cell_markdown = _render_markdown_after_cells_above
    NotebookClientInline.eval_variable = _eval_and_keep
    return {"parallel_read_safe": True, "parallel_write_safe": True}
