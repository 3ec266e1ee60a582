"""The live display: ipywidgets sliders above the figure, redrawn by the kernel as a slider moves.

The figure is an ``<img>`` with ``alt`` text inside an ``ipywidgets.HTML``: the alt text names the
current slider values and changes with them, as in the static book. (An ``ipywidgets.Image`` has no
``alt``, and giving it a ``tooltip`` breaks its view in JupyterLab 4 and Notebook 7: the front end
builds an Image's tooltip from a ``description`` it does not have.)
"""

from __future__ import annotations

import base64
import html

from .explorer import Explorer, format_value
from .images import png_size


def img_html(png: bytes, alt: str) -> str:
    """An ``<img>`` element showing ``png`` (inline, as a data URI) with the alt text ``alt``."""
    width, height = png_size(png)
    source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return (
        f'<img src="{source}" alt="{html.escape(alt)}" width="{width}" height="{height}" '
        'style="max-width:100%;height:auto">'
    )


def live_box(explorer: Explorer):
    """An ``ipywidgets.VBox``: one labelled ``SelectionSlider`` per parameter, the figure, the caption.

    Moving a slider calls ``explorer.frame`` (an ``update`` and one canvas draw in the fast form, a
    setting shown before at once) and replaces the picture and its alt text.
    """
    import ipywidgets as widgets

    start = explorer.start()
    controls = {
        name: widgets.SelectionSlider(
            options=[(format_value(v), v) for v in values],
            value=start[name],
            description=explorer.label(name),
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        for name, values in explorer.sliders.items()
    }
    picture = widgets.HTML(img_html(explorer.frame(**start), explorer.describe(start)))
    picture.add_class("rp-live-figure")

    def show(change: object = None) -> None:
        values = {name: control.value for name, control in controls.items()}
        picture.value = img_html(explorer.frame(**values), explorer.describe(values))

    for control in controls.values():
        control.observe(show, names="value")
    parts = [*controls.values(), picture]
    if explorer.caption:
        parts.append(widgets.HTML(f"<p><em>{html.escape(explorer.caption)}</em></p>"))
    box = widgets.VBox(parts)
    box.add_class("rp-live")
    return box
