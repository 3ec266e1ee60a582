"""Figures with sliders that work in Jupyter (live ipywidgets) and in the static book (precomputed frames).

One call, ``explore(draw, alt=..., mu=[...], sigma=[...])``, serves both:

* **live** (a Jupyter kernel): one ipywidgets slider per parameter; moving one redraws the figure by
  calling ``draw(fig, **values)`` on a cleared figure and showing the PNG in an ``ipywidgets.Image``;
* **static** (the rendered book, no kernel): ``draw`` runs once for every point of the sliders' grid,
  the frames are stored as compressed PNG in the page, and a few lines of JavaScript swap them as the
  reader moves the sliders. Two or more sliders combine: every combination has its frame.

The mode comes from the environment variable ``REPARAM_FIGURES`` (``live`` or ``static``; ``make book``
sets ``static``), and defaults to ``live``. Chapters never branch on it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["explore", "Explorer", "mode"]

MODES = ("live", "static")


def mode() -> str:
    """The current figure mode: ``REPARAM_FIGURES`` if set (``live`` or ``static``), else ``live``."""
    value = os.environ.get("REPARAM_FIGURES", "live")
    if value not in MODES:
        raise ValueError(f"REPARAM_FIGURES must be one of {MODES}; got {value!r}")
    return value


@dataclass
class Explorer:
    """A figure redrawn from slider values: ``draw(fig, **values)`` over the grid ``sliders``.

    ``render(**values)`` returns the PNG bytes of one frame (what a slider move costs); ``live()`` and
    ``static()`` build the two displays. ``explore`` picks one.
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
        if not self.sliders:
            raise ValueError("explore needs at least one slider, given as name=[values]")
        for name, values in self.sliders.items():
            if isinstance(values, (str, bytes)) or len(values) < 2:
                raise ValueError(f"slider {name!r} needs a sequence of at least two values; got {values!r}")
            self.sliders[name] = list(values)
        for name, value in self.initial.items():
            if name not in self.sliders or value not in self.sliders[name]:
                raise ValueError(f"initial value {name}={value!r} is not on the slider grid {self.sliders.get(name)}")
        from matplotlib.figure import Figure

        self._figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")

    def start(self) -> dict[str, object]:
        """The values shown first: ``initial`` where given, else the middle of each grid."""
        return {name: self.initial.get(name, values[len(values) // 2]) for name, values in self.sliders.items()}

    def render(self, **values: object) -> bytes:
        """Clear the figure, draw it for ``values`` and return it as PNG bytes."""
        fig = self._figure
        fig.clear()
        self.draw(fig, **values)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=self.dpi, metadata={"Software": None})
        return buffer.getvalue()

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

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
        image = widgets.Image(value=self.render(**start), format="png")

        def update(change: object = None) -> None:
            image.value = self.render(**{name: c.value for name, c in controls.items()})

        for control in controls.values():
            control.observe(update, names="value")
        parts = list(controls.values()) + [image]
        if self.caption:
            parts.append(widgets.HTML(f"<p><em>{html.escape(self.caption)}</em></p>"))
        return widgets.VBox(parts)

    # static: precomputed frames ---------------------------------------------------------------------
    def static(self):
        """An HTML figure: the frames of the whole grid, swapped by range inputs (no kernel needed)."""
        from IPython.display import HTML

        names = list(self.sliders)
        frames = [
            "data:image/png;base64," + base64.b64encode(self.render(**dict(zip(names, combo)))).decode("ascii")
            for combo in itertools.product(*(self.sliders[n] for n in names))
        ]
        uid = "rp-" + hashlib.sha1((self.alt + json.dumps(names)).encode()).hexdigest()[:10]
        start = self.start()
        index = {n: self.sliders[n].index(start[n]) for n in names}
        inputs = "".join(
            f'<div class="rp-control"><label for="{uid}-{k}">{html.escape(self.label(n))}</label> '
            f'<input type="range" id="{uid}-{k}" data-name="{k}" min="0" max="{len(self.sliders[n]) - 1}" '
            f'step="1" value="{index[n]}" aria-valuetext="{html.escape(_format(start[n]))}"> '
            f'<output for="{uid}-{k}">{html.escape(_format(start[n]))}</output></div>'
            for k, n in enumerate(names)
        )
        sizes = [len(self.sliders[n]) for n in names]
        values = [[_format(v) for v in self.sliders[n]] for n in names]
        first = _flat_index([index[n] for n in names], sizes)
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        script = (
            "(function(){"
            f"var root=document.getElementById({json.dumps(uid)});"
            f"var frames={json.dumps(frames)};var sizes={json.dumps(sizes)};var values={json.dumps(values)};"
            "var inputs=root.querySelectorAll('input[type=range]');var img=root.querySelector('img');"
            "function show(){var k=0;for(var i=0;i<inputs.length;i++){var v=+inputs[i].value;"
            "k=k*sizes[i]+v;inputs[i].nextElementSibling.textContent=values[i][v];"
            "inputs[i].setAttribute('aria-valuetext',values[i][v]);}img.src=frames[k];img.dataset.frame=k;}"
            "for(var i=0;i<inputs.length;i++){inputs[i].addEventListener('input',show);}"
            "})();"
        )
        body = (
            f'<figure class="rp-explore" id="{uid}">'
            f'<div class="rp-controls">{inputs}</div>'
            f'<img src="{frames[first]}" data-frame="{first}" alt="{html.escape(self.alt)}" '
            f'style="max-width:100%;height:auto">{caption}</figure><script>{script}</script>'
        )
        return HTML(body)


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
        Text alternative describing the figure (used as the image's ``alt``).
    caption : str, optional
        Caption shown under the figure.
    labels : dict, optional
        Slider labels by parameter name (default: the name).
    initial : dict, optional
        Starting value per slider (default: the middle of its grid).
    **sliders : sequence
        One grid of values per slider, e.g. ``mu=np.linspace(-2, 2, 9)``.

    Returns
    -------
    ipywidgets.VBox or IPython.display.HTML
        Displayed by Jupyter as the cell's output.
    """
    explorer = Explorer(draw, dict(sliders), alt, caption, labels or {}, initial or {}, figsize, dpi)
    return explorer.live() if mode() == "live" else explorer.static()


def _format(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) or hasattr(value, "dtype") else str(value)


def _flat_index(index: list[int], sizes: list[int]) -> int:
    k = 0
    for i, size in zip(index, sizes):
        k = k * size + i
    return k
