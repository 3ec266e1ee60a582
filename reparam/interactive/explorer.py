"""The Explorer: a figure drawn from slider values, the one object behind a live and a static slider figure.

``draw(fig, **values)`` draws one setting onto an empty ``matplotlib.figure.Figure``. Two forms:

* **simple**: ``draw`` returns nothing. Every new setting clears the figure and calls ``draw`` again
  (constrained layout, re-solved each time).
* **fast**: ``draw`` sets the figure up, draws the setting, and returns ``update(**values)``, which
  redraws a new setting by changing the artists it made (``line.set_ydata``, ``ax.set_title``, ...).
  The layout is solved once, at the first setting, and then kept, so axes do not jump as a slider
  moves; later moves cost an ``update`` and one canvas draw.

The fast form is checked, not trusted: for every grid point the static book draws the frame from
scratch (``draw`` on a new figure, with the kept layout) and raises ``ValueError`` unless the ``update``
path gives exactly the same pixels, so an ``update`` that forgets an artist cannot reach the page.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .images import fast_png, figure_pixels


@dataclass
class Explorer:
    """A figure redrawn from slider values: ``draw(fig, **values)`` over the grid ``sliders``.

    ``render(**values)`` returns the PNG of one setting (the cost of one live slider move), ``pixels``
    its RGBA array; ``live()`` and ``static()`` build the two displays.
    """

    draw: Callable[..., Callable[..., None] | None]
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
            if len(set(map(format_value, values))) < len(values):
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
        self._figure = self._new_figure("constrained")
        self._update: Callable[..., None] | None = None  # the fast form's update, once draw has returned it
        self._positions: list = []  # the kept layout of the fast form: each axes' position
        self._shown: dict[tuple, bytes] = {}  # live frames already drawn, by slider values
        self._drawn = False

    def _new_figure(self, layout: str):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout=layout)
        FigureCanvasAgg(fig)
        return fig

    # the values ----------------------------------------------------------------------------------------
    def start(self) -> dict[str, object]:
        """The values shown first: ``initial`` where given, else the middle of each grid."""
        return {name: self.initial.get(name, values[len(values) // 2]) for name, values in self.sliders.items()}

    def grid(self) -> list[dict[str, object]]:
        """Every setting of the sliders, the last slider varying fastest (``itertools.product`` order)."""
        return [dict(zip(self.sliders, combo)) for combo in itertools.product(*self.sliders.values())]

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def describe(self, values: dict[str, object]) -> str:
        """The alt text for one frame: the figure's description and the slider values it shows."""
        settings = ", ".join(f"{self.label(n)} = {format_value(v)}" for n, v in values.items())
        return f"{self.alt.strip()} ({settings})"

    # drawing -------------------------------------------------------------------------------------------
    @property
    def fast(self) -> bool:
        """Whether ``draw`` returned an ``update`` (known once the figure has been drawn)."""
        self._ensure_drawn()
        return self._update is not None

    def _ensure_drawn(self) -> None:
        if not self._drawn:
            self._redraw(self.start())

    def _redraw(self, values: dict[str, object]) -> None:
        """Clear the figure and draw ``values``; keep the fast form's ``update`` and freeze its layout."""
        fig = self._figure
        fig.clear()
        update = self.draw(fig, **values)
        self._drawn = True
        if update is None:
            return
        if not callable(update):
            raise TypeError(f"draw(fig, **values) must return None or an update(**values) callable; got {update!r}")
        fig.canvas.draw()  # solves the constrained layout once, at this setting ...
        fig.set_layout_engine("none")  # ... and keeps it
        self._positions = [ax.get_position(original=True) for ax in fig.axes]
        self._update = update

    def pixels(self, **values: object) -> np.ndarray:
        """The figure at ``values`` as RGBA pixels: ``update(**values)`` in the fast form, else a full redraw."""
        if self._update is None:
            self._redraw(values)
        if self._update is not None:
            self._update(**values)
        return figure_pixels(self._figure)

    def render(self, **values: object) -> bytes:
        """The PNG of the figure at ``values``: what one live slider move costs (``benchmarks/sliders.py``)."""
        return fast_png(self.pixels(**values))

    def frame(self, **values: object) -> bytes:
        """``render(**values)``, remembered: the grid is finite, so a setting shown before comes back at once."""
        key = tuple(values[name] for name in self.sliders)
        if key not in self._shown:
            self._shown[key] = self.render(**values)
        return self._shown[key]

    def from_scratch(self, **values: object) -> np.ndarray:
        """The fast form's figure at ``values`` drawn afresh: ``draw`` on a new figure, with the kept layout.

        What ``update(**values)`` must reproduce, pixel for pixel, whatever was shown before.
        """
        self._ensure_drawn()
        if self._update is None:
            raise ValueError("from_scratch is for the fast form: draw returned no update(**values)")
        fig = self._new_figure("none")
        self.draw(fig, **values)
        if len(fig.axes) != len(self._positions):
            raise ValueError(
                f"draw made {len(fig.axes)} axes at {values} but {len(self._positions)} at {self.start()}: "
                "the fast form must make the same axes for every setting"
            )
        for ax, position in zip(fig.axes, self._positions):
            ax.set_position(position)
        return figure_pixels(fig)

    def all_pixels(self) -> list[np.ndarray]:
        """Every frame of the grid as RGBA pixels, in ``grid()`` order.

        The simple form redraws each setting. The fast form draws each from scratch and checks that the
        ``update`` path gives the same pixels, raising ``ValueError`` at the first setting where it does not.
        """
        self._ensure_drawn()
        if self._update is None:
            return [self.pixels(**values) for values in self.grid()]
        frames = []
        for values in self.grid():
            reference, updated = self.from_scratch(**values), self.pixels(**values)
            if reference.shape != updated.shape or not np.array_equal(reference, updated):
                changed = (reference != updated).any(axis=-1).sum() if reference.shape == updated.shape else "all"
                raise ValueError(
                    f"update(**values) draws a different figure from draw(fig, **values) at {values} "
                    f"({changed} pixels differ): update must set every artist that depends on the values"
                )
            frames.append(reference)
        return frames

    # the two displays ----------------------------------------------------------------------------------
    def live(self):
        """An ipywidgets box: labelled sliders above the figure, redrawn by the kernel (``reparam.interactive.live``)."""
        from .live import live_box

        return live_box(self)

    def static_html(self) -> str:
        """The figure's frames and the slider player as one HTML fragment (``reparam.interactive.frames``)."""
        from .frames import static_html

        return static_html(self)

    def static(self):
        """``static_html`` as an ``IPython.display.HTML`` (no kernel needed to move the sliders)."""
        from IPython.display import HTML

        return HTML(self.static_html())


def format_value(value: object) -> str:
    """A slider value as shown: floats (and numpy numbers) to 4 significant digits, anything else by ``str``."""
    return f"{value:.4g}" if isinstance(value, float) or hasattr(value, "dtype") else str(value)
