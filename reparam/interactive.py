"""Figures with sliders that work in Jupyter (live ipywidgets) and in the static book (precomputed frames).

One call, ``explore(draw, alt=..., mu=[...], sigma=[...])``, serves both:

* **live** (a Jupyter kernel): one ipywidgets slider per parameter; moving one redraws the figure by
  calling ``draw(fig, **values)`` on a cleared figure and showing the PNG in an ``ipywidgets.Image``;
* **static** (the rendered book, no kernel): ``draw`` runs once for every point of the sliders' grid,
  the frames are stored as palette-compressed PNG in the page, and a few lines of JavaScript swap them
  as the reader moves the sliders. Two or more sliders combine: every combination has its frame.

The mode comes from the environment variable ``REPARAM_FIGURES`` (``live`` or ``static``; ``make book``
sets ``static``), and defaults to ``live``. Chapters never branch on it.

``animation(anim, alt=...)`` does the same job for a matplotlib ``FuncAnimation``: its ``to_jshtml``
player, made to work offline (no font CDN), with alt text, a labelled frame slider and compressed frames.

The static output is plain HTML and JavaScript with no external request, so the book works offline;
``tests/test_browser.py`` moves every slider in a real browser and checks that the figure changes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["explore", "animation", "Explorer", "mode"]

MODES = ("live", "static")

#: Colours kept when a static frame is compressed to a palette PNG (plenty for line art on white).
PALETTE_COLORS = 256

_counter = itertools.count()


def mode() -> str:
    """The current figure mode: ``REPARAM_FIGURES`` if set (``live`` or ``static``), else ``live``."""
    value = os.environ.get("REPARAM_FIGURES", "live")
    if value not in MODES:
        raise ValueError(f"REPARAM_FIGURES must be one of {MODES}; got {value!r}")
    return value


@dataclass
class Explorer:
    """A figure redrawn from slider values: ``draw(fig, **values)`` over the grid ``sliders``.

    ``render(**values)`` returns the PNG bytes of one frame (what a live slider move costs); ``live()``
    and ``static()`` build the two displays. ``explore`` picks one.
    """

    draw: Callable[..., None]
    sliders: dict[str, list]
    alt: str
    caption: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    initial: dict[str, object] = field(default_factory=dict)
    figsize: tuple[float, float] = (6.4, 3.6)
    dpi: int = 80

    def __post_init__(self) -> None:
        if not callable(self.draw):
            raise TypeError(f"draw must be callable as draw(fig, **values); got {self.draw!r}")
        if not isinstance(self.alt, str) or not self.alt.strip():
            raise ValueError(f"alt must be a non-empty description of the figure; got {self.alt!r}")
        if not isinstance(self.caption, str):
            raise TypeError(f"caption must be a str; got {self.caption!r}")
        if not self.sliders:
            raise ValueError("explore needs at least one slider, given as name=[values]")
        for name, values in self.sliders.items():
            if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) < 2:
                raise ValueError(f"slider {name!r} needs a sequence of at least two values; got {values!r}")
            values = list(values)
            if len(set(map(_format, values))) < len(values):
                raise ValueError(f"slider {name!r} has repeated values (as shown, to 4 digits): {values!r}")
            self.sliders[name] = values
        unknown = set(self.labels) - set(self.sliders)
        if unknown:
            raise ValueError(f"labels name no slider: {sorted(unknown)}; the sliders are {list(self.sliders)}")
        for name, value in self.initial.items():
            if name not in self.sliders or value not in self.sliders[name]:
                raise ValueError(f"initial value {name}={value!r} is not on the slider grid {self.sliders.get(name)}")
        if not isinstance(self.dpi, (int, float)) or not 20 <= self.dpi <= 300:
            raise ValueError(f"dpi must be a number between 20 and 300; got {self.dpi!r}")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self._figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self._figure)
        self._shown: dict[tuple, bytes] = {}  # live frames already drawn, by slider values

    def start(self) -> dict[str, object]:
        """The values shown first: ``initial`` where given, else the middle of each grid."""
        return {name: self.initial.get(name, values[len(values) // 2]) for name, values in self.sliders.items()}

    def render(self, **values: object) -> bytes:
        """Clear the figure, draw it for ``values`` and return it as PNG bytes (fast zlib level).

        This is the cost of one live slider move; ``benchmarks/sliders.py`` measures it.
        """
        fig = self._figure
        fig.clear()
        self.draw(fig, **values)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=self.dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
        return buffer.getvalue()

    def frame(self, **values: object) -> bytes:
        """``render(**values)``, remembered: the grid is finite, so a setting shown before comes back at once.

        A live slider dragged back and forth redraws each setting once; static frames are rendered
        afresh by ``frames``.
        """
        key = tuple(values[name] for name in self.sliders)
        if key not in self._shown:
            self._shown[key] = self.render(**values)
        return self._shown[key]

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def describe(self, values: dict[str, object]) -> str:
        """The alt text for one frame: the figure's description and the slider values it shows."""
        settings = ", ".join(f"{self.label(n)} = {_format(v)}" for n, v in values.items())
        return f"{self.alt.strip()} ({settings})"

    # live: ipywidgets -------------------------------------------------------------------------------
    def live(self):
        """An ipywidgets box: one labelled slider per parameter above the figure."""
        import ipywidgets as widgets

        start = self.start()
        controls = {
            name: widgets.SelectionSlider(
                options=[(_format(v), v) for v in values],
                value=start[name],
                description=self.label(name),
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="420px"),
            )
            for name, values in self.sliders.items()
        }
        image = widgets.Image(value=self.frame(**start), format="png", tooltip=self.describe(start))

        def update(change: object = None) -> None:
            values = {name: c.value for name, c in controls.items()}
            image.value = self.frame(**values)
            image.tooltip = self.describe(values)

        for control in controls.values():
            control.observe(update, names="value")
        parts = list(controls.values()) + [image]
        if self.caption:
            parts.append(widgets.HTML(f"<p><em>{html.escape(self.caption)}</em></p>"))
        return widgets.VBox(parts)

    # static: precomputed frames ---------------------------------------------------------------------
    def frames(self) -> list[bytes]:
        """Every frame of the grid as a compressed PNG, the last slider varying fastest.

        Raises ``ValueError`` if some slider never changes the figure (a slider that does nothing).
        """
        names = list(self.sliders)
        pngs = [self.render(**dict(zip(names, combo))) for combo in itertools.product(*self.sliders.values())]
        _check_every_slider_acts(pngs, self.sliders)
        return [_compress_png(png) for png in pngs]

    def static(self):
        """An HTML figure: the frames of the whole grid, swapped by range inputs (no kernel needed)."""
        from IPython.display import HTML

        return HTML(self.static_html())

    def static_html(self) -> str:
        names = list(self.sliders)
        sizes = [len(self.sliders[n]) for n in names]
        pngs = self.frames()
        # Identical frames are stored once: ``order[k]`` is the stored frame shown for grid point k.
        unique: dict[bytes, int] = {}
        order = [unique.setdefault(png, len(unique)) for png in pngs]
        sources = ["data:image/png;base64," + base64.b64encode(png).decode("ascii") for png in unique]
        digest = hashlib.sha1(b"".join(unique)).hexdigest()[:8]
        uid = f"rp-{digest}-{next(_counter)}"
        start = self.start()
        index = [self.sliders[n].index(start[n]) for n in names]
        first = _flat_index(index, sizes)
        width, height = _png_size(pngs[first])
        values = [[_format(v) for v in self.sliders[n]] for n in names]
        labels = [self.label(n) for n in names]
        inputs = "".join(
            f'<div class="rp-control" style="display:flex;align-items:center;gap:.6em;flex-wrap:wrap">'
            f'<label for="{uid}-{k}" style="min-width:7em">{html.escape(labels[k])}</label>'
            f'<input type="range" id="{uid}-{k}" min="0" max="{sizes[k] - 1}" step="1" value="{index[k]}" '
            f'aria-valuetext="{html.escape(values[k][index[k]])}" style="flex:1 1 12em;max-width:24em">'
            f'<output for="{uid}-{k}" style="min-width:4em;font-variant-numeric:tabular-nums">'
            f"{html.escape(values[k][index[k]])}</output></div>"
            for k in range(len(names))
        )
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        data = {"sources": sources, "order": order, "sizes": sizes, "values": values, "labels": labels,
                "alt": self.alt.strip()}
        script = (
            "(function(){"
            f"var root=document.getElementById({json.dumps(uid)});"
            f"var d={json.dumps(data)};"
            "var inputs=root.querySelectorAll('input[type=range]');var img=root.querySelector('img');"
            "function show(){var k=0,said=[];for(var i=0;i<inputs.length;i++){var v=+inputs[i].value;"
            "k=k*d.sizes[i]+v;var t=d.values[i][v];inputs[i].setAttribute('aria-valuetext',t);"
            "root.querySelector('output[for=\"'+inputs[i].id+'\"]').textContent=t;said.push(d.labels[i]+' = '+t);}"
            "img.src=d.sources[d.order[k]];img.alt=d.alt+' ('+said.join(', ')+')';img.setAttribute('data-frame',k);}"
            "for(var i=0;i<inputs.length;i++){inputs[i].addEventListener('input',show);}"
            "})();"
        )
        return (
            f'<figure class="rp-explore" id="{uid}" style="margin:1em 0">'
            f'<div class="rp-controls">{inputs}</div>'
            f'<img src="{sources[order[first]]}" data-frame="{first}" width="{width}" height="{height}" '
            f'alt="{html.escape(self.describe(start))}" style="max-width:100%;height:auto">'
            f"{caption}</figure><script>{script}</script>"
        )


def explore(
    draw: Callable[..., None],
    *,
    alt: str,
    caption: str = "",
    labels: dict[str, str] | None = None,
    initial: dict[str, object] | None = None,
    figsize: tuple[float, float] = (6.4, 3.6),
    dpi: int = 80,
    **sliders: Sequence,
):
    """A figure with sliders: live ipywidgets in Jupyter, precomputed frames in the static book.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws onto a cleared ``matplotlib.figure.Figure`` for one setting.
    alt : str
        Text alternative describing the figure (the image's ``alt``; the current slider values are
        appended to it).
    caption : str, optional
        Caption shown under the figure.
    labels : dict, optional
        Slider labels by parameter name (default: the name).
    initial : dict, optional
        Starting value per slider (default: the middle of its grid).
    figsize, dpi : optional
        Figure size in inches and resolution; a frame is ``figsize * dpi`` pixels.
    **sliders : sequence
        One grid of values per slider, e.g. ``mu=np.linspace(-2, 2, 9)``. In the static book every
        combination of the grids is drawn once (keep the product small: at most ~40 frames).

    Returns
    -------
    ipywidgets.VBox or IPython.display.HTML
        Displayed by Jupyter as the cell's output.

    Raises
    ------
    ValueError
        On an empty ``alt``, a grid of fewer than two values, an initial value off its grid, and (in
        the static book) a slider whose every move leaves the figure unchanged.
    """
    explorer = Explorer(draw, dict(sliders), alt, caption, labels or {}, initial or {}, figsize, dpi)
    return explorer.live() if mode() == "live" else explorer.static()


def animation(anim, *, alt: str, caption: str = "", fps: float | None = None, default_mode: str | None = None):
    """A matplotlib animation as an HTML player that works offline and is accessible.

    It is ``anim.to_jshtml()`` with three repairs: the Font Awesome stylesheet it loads from a CDN is
    dropped (the book's theme ships the icons; the buttons also carry text labels), the frame image gets
    ``alt`` text and the frame slider a ``<label>``, and the frames are stored as palette PNG.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        For example a ``FuncAnimation``.
    alt : str
        Text alternative describing the animation.
    caption : str, optional
        Caption shown under the player.
    fps, default_mode : optional
        Passed to ``to_jshtml`` (``default_mode`` is ``'loop'``, ``'once'`` or ``'reflect'``).

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML
    from matplotlib.animation import Animation

    if not isinstance(anim, Animation):
        raise TypeError(f"anim must be a matplotlib.animation.Animation; got {type(anim).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a non-empty description of the animation; got {alt!r}")
    page = anim.to_jshtml(fps=fps, default_mode=default_mode)
    page, removed = re.subn(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", page)
    page, images = re.subn(r'<img id="(_anim_img\w+)">', lambda m: f'<img id="{m[1]}" alt="{html.escape(alt)}">', page)
    page, sliders = re.subn(
        r'<input id="(_anim_slider\w+)" type="range"',
        lambda m: f'<label for="{m[1]}" class="rp-anim-label">Frame</label>\n<input id="{m[1]}" type="range"',
        page,
    )
    if (removed, images, sliders) != (1, 1, 1):  # matplotlib changed its template: fail loudly, not silently
        raise RuntimeError(f"unexpected to_jshtml template (stylesheet, image, slider found: {removed}, {images}, {sliders})")
    page = re.sub(
        r'(frames\[\d+\] = "data:image/)png;base64,([A-Za-z0-9+/=\\\n]+)"',
        lambda m: m[1] + "png;base64," + base64.b64encode(_compress_png(base64.b64decode(m[2].replace("\\\n", "")))).decode("ascii") + '"',
        page,
    )
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return HTML(f'<figure class="rp-animation" style="margin:1em 0">{page}{caption_html}</figure>')


def _compress_png(png: bytes) -> bytes:
    """Re-encode a PNG with a palette of at most ``PALETTE_COLORS`` colours (3-4 times smaller for plots)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    if image.mode == "RGBA" and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")  # opaque: drop the alpha channel
    if image.mode == "RGB":
        image = image.quantize(PALETTE_COLORS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    smaller = buffer.getvalue()
    return smaller if len(smaller) < len(png) else png


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _check_every_slider_acts(frames: list[bytes], sliders: dict[str, list]) -> None:
    """Raise ``ValueError`` for a slider along which no frame ever changes (a slider that does nothing).

    ``frames`` is the grid in ``itertools.product`` order (the last slider varies fastest).
    """
    digests = [hashlib.sha1(f).digest() for f in frames]
    sizes = [len(v) for v in sliders.values()]
    for axis, (name, values) in enumerate(sliders.items()):
        stride = 1
        for size in sizes[axis + 1 :]:
            stride *= size
        steps = (k for k in range(len(frames)) if (k // stride) % sizes[axis] < sizes[axis] - 1)
        if not any(digests[k] != digests[k + stride] for k in steps):
            raise ValueError(
                f"slider {name!r} does not change the figure: draw(fig, ...) draws the same frame for "
                f"all its values {[_format(v) for v in values]}"
            )


def _format(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) or hasattr(value, "dtype") else str(value)


def _flat_index(index: list[int], sizes: list[int]) -> int:
    k = 0
    for i, size in zip(index, sizes):
        k = k * size + i
    return k
