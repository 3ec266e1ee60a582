"""Figures with sliders that work in Jupyter (live ipywidgets) and in the static book (precomputed frames).

One call, ``explore(draw, alt=..., mu=[...], sigma=[...])``, serves both:

* **live** (a Jupyter kernel): one ipywidgets slider per parameter; moving one redraws the figure in
  the kernel and shows it as an ``<img>`` with alt text (``live``);
* **static** (the rendered book, no kernel): every point of the sliders' grid is drawn once, the frames
  are stored as palette PNG in the page, and ``player.js`` swaps them as the reader moves the sliders
  (``frames``). Two or more sliders combine: every combination has its frame.

``draw(fig, **values)`` either draws the whole figure for each setting (simple), or sets it up once and
returns ``update(**values)`` that changes its artists (fast: a live move then costs a few tens of
milliseconds; see ``explorer``). The mode comes from the environment variable ``REPARAM_FIGURES``
(``live`` or ``static``; ``make book`` sets ``static``) and defaults to ``live``. Chapters never branch on it.

``animation(anim, alt=...)`` shows a matplotlib ``FuncAnimation`` with its offline, accessible player.

Modules: ``explorer`` (the figure and its frames), ``images`` (pixels and PNG), ``live`` (ipywidgets),
``frames`` (the static HTML), ``animation``, and the asset ``player.js``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from .animation import animation
from .explorer import Explorer

__all__ = ["explore", "animation", "Explorer", "mode"]

MODES = ("live", "static")


def mode() -> str:
    """The current figure mode: ``REPARAM_FIGURES`` if set (``live`` or ``static``), else ``live``."""
    value = os.environ.get("REPARAM_FIGURES", "live")
    if value not in MODES:
        raise ValueError(f"REPARAM_FIGURES must be one of {MODES}; got {value!r}")
    return value


def explore(
    draw: Callable[..., Callable[..., None] | None],
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
        ``draw(fig, **values)`` draws one setting onto an empty ``matplotlib.figure.Figure``. It may
        return ``update(**values)``, a function that redraws another setting by changing the artists
        ``draw`` made; the layout is then solved once and kept, and every grid point is checked to
        look exactly as a fresh ``draw`` would make it. Example::

            def draw(fig, mu):
                ax = fig.add_subplot(xlim=(-5, 5), ylim=(0, 0.5))
                (line,) = ax.plot(x, 0 * x)

                def update(mu):
                    line.set_ydata(np.exp(-0.5 * (x - mu) ** 2) / np.sqrt(2 * np.pi))
                    ax.set_title(f"μ = {mu:g}")

                update(mu)
                return update

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
        the static book) a slider whose every move leaves the figure unchanged, or an ``update`` that
        draws a setting differently from ``draw``.
    TypeError
        If ``draw`` is not callable or returns something other than ``None`` or a callable.
    """
    explorer = Explorer(draw, dict(sliders), alt, caption, labels or {}, initial or {}, figsize, dpi)
    return explorer.live() if mode() == "live" else explorer.static()
