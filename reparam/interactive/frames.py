"""The static display: every frame of the slider grid stored in the page, swapped by ``player.js``.

The output is plain HTML with the frames as palette PNG data URIs, the grid as JSON and the player
script (``reparam/interactive/player.js``, read from the package) inline: no kernel and no request to
another host. ``tests/test_interactive.py`` runs the player in Chromium; ``tests/test_browser.py``
moves every slider of the built book.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
from functools import cache
from importlib.resources import files

import numpy as np

from .explorer import Explorer, format_value
from .images import png_size, small_png

_counter = itertools.count()


@cache
def player_script() -> str:
    """The slider player, ``player.js``, as shipped with the package (inlined in a ``<script>`` element)."""
    script = files("reparam.interactive").joinpath("player.js").read_text(encoding="utf-8")
    if "<script" in script.lower() or "</script" in script.lower():
        raise RuntimeError("player.js must not contain a script tag: it is inlined in one")
    return script


def frames(explorer: Explorer) -> list[bytes]:
    """Every frame of the grid as a palette PNG, in ``explorer.grid()`` order (the last slider fastest).

    Raises ``ValueError`` if some slider never changes the figure, or (fast form) if ``update``
    disagrees with a fresh ``draw`` (see ``Explorer.all_pixels``).
    """
    pixels = explorer.all_pixels()
    check_every_slider_acts([hashlib.sha1(p.tobytes()).digest() for p in pixels], explorer)
    return [small_png(p) for p in pixels]


def static_html(explorer: Explorer) -> str:
    """The HTML fragment of one static slider figure: labelled range inputs, the first frame, the player."""
    names = list(explorer.sliders)
    sizes = [len(explorer.sliders[n]) for n in names]
    pngs = frames(explorer)
    unique: dict[bytes, int] = {}  # identical frames are stored once: order[k] is the one shown at grid point k
    order = [unique.setdefault(png, len(unique)) for png in pngs]
    sources = ["data:image/png;base64," + base64.b64encode(png).decode("ascii") for png in unique]
    uid = f"rp-{hashlib.sha1(b''.join(unique)).hexdigest()[:8]}-{next(_counter)}"
    start = explorer.start()
    index = [explorer.sliders[n].index(start[n]) for n in names]
    first = int(np.ravel_multi_index(index, sizes))
    width, height = png_size(pngs[first])
    values = [[format_value(v) for v in explorer.sliders[n]] for n in names]
    labels = [explorer.label(n) for n in names]
    inputs = "".join(
        f'<div class="rp-control" style="display:flex;align-items:center;gap:.6em;flex-wrap:wrap">'
        f'<label for="{uid}-{k}" style="min-width:7em">{html.escape(labels[k])}</label>'
        f'<input type="range" id="{uid}-{k}" min="0" max="{sizes[k] - 1}" step="1" value="{index[k]}" '
        f'aria-valuetext="{html.escape(values[k][index[k]])}" style="flex:1 1 12em;max-width:24em">'
        f'<output for="{uid}-{k}" style="min-width:4em;font-variant-numeric:tabular-nums">'
        f"{html.escape(values[k][index[k]])}</output></div>"
        for k in range(len(names))
    )
    caption = f"<figcaption>{html.escape(explorer.caption)}</figcaption>" if explorer.caption else ""
    data = {"sources": sources, "order": order, "sizes": sizes, "values": values, "labels": labels,
            "alt": explorer.alt.strip()}
    data_json = json.dumps(data).replace("</", "<\\/")  # never ends its <script> early
    return (
        f'<figure class="rp-explore" id="{uid}" style="margin:1em 0">'
        f'<div class="rp-controls">{inputs}</div>'
        f'<img src="{sources[order[first]]}" data-frame="{first}" width="{width}" height="{height}" '
        f'alt="{html.escape(explorer.describe(start))}" style="max-width:100%;height:auto">'
        f'{caption}<script type="application/json" class="rp-frames">{data_json}</script>'
        f"<script>{player_script()}</script></figure>"
    )


def check_every_slider_acts(digests: list[bytes], explorer: Explorer) -> None:
    """Raise ``ValueError`` for a slider along which no frame ever changes (a slider that does nothing).

    ``digests`` identify the frames of the grid in ``explorer.grid()`` order.
    """
    sizes = [len(v) for v in explorer.sliders.values()]
    cube = np.array([int.from_bytes(d[:8], "big") for d in digests], dtype=np.uint64).reshape(sizes)
    for axis, (name, values) in enumerate(explorer.sliders.items()):
        if not (np.diff(cube, axis=axis) != 0).any():
            raise ValueError(
                f"slider {name!r} does not change the figure: draw(fig, ...) draws the same frame for "
                f"all its values {[format_value(v) for v in values]}"
            )
