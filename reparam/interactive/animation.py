"""A matplotlib animation as an offline, accessible HTML player, the same in the book and in Jupyter.

The player is matplotlib's own (``Animation.to_jshtml``): every frame precomputed, swapped by its
script. It needs no kernel, so one display serves both modes; in JupyterLab and Notebook 7 it runs in
the cell's (trusted) HTML output, checked with ``tests/browser_helpers.check_live_figures``.
"""

from __future__ import annotations

import base64
import html
import re

from .images import compress_png


def animation(anim, *, alt: str, caption: str = "", fps: float | None = None, default_mode: str | None = None):
    """A matplotlib animation as an HTML player that works offline and is accessible.

    It is ``anim.to_jshtml()`` with three repairs: the Font Awesome stylesheet it loads from a CDN is
    dropped (the book's theme and JupyterLab ship the icons), the frame image gets ``alt`` text and the
    frame slider a ``<label>``, and the frames are stored as palette PNG.

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

    Raises
    ------
    TypeError
        If ``anim`` is not a matplotlib ``Animation``.
    ValueError
        On an empty ``alt``.
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
        lambda m: m[1] + "png;base64," + base64.b64encode(compress_png(base64.b64decode(m[2].replace("\\\n", "")))).decode("ascii") + '"',
        page,
    )
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return HTML(f'<figure class="rp-animation" style="margin:1em 0">{page}{caption_html}</figure>')
