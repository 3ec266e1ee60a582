"""Pixels of a matplotlib figure and their PNG encodings: fast for a live move, small for the book.

A live slider move sends one PNG to the browser, so it is encoded for speed (zlib level 1, straight from
the Agg canvas: one draw, no ``savefig``); a static frame is stored in the page, so it is re-encoded for
size (a palette of at most ``PALETTE_COLORS`` colours, 3-4 times smaller for line art).
"""

from __future__ import annotations

import io

import numpy as np

#: Colours kept when a static frame is compressed to a palette PNG (plenty for line art on white).
PALETTE_COLORS = 256


def figure_pixels(fig) -> np.ndarray:
    """Draw ``fig`` on its Agg canvas and return a copy of its pixels, shape ``(height, width, 4)``, uint8 RGBA."""
    fig.canvas.draw()
    return np.array(fig.canvas.buffer_rgba(), copy=True)


def _image(pixels: np.ndarray):
    """A PIL image of RGBA ``pixels``, as RGB when every pixel is opaque (a quarter fewer bytes)."""
    from PIL import Image

    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4:
        raise ValueError(f"pixels must be a (height, width, 4) uint8 array; got {pixels.dtype} {pixels.shape}")
    if (pixels[..., 3] == 255).all():
        return Image.fromarray(pixels[..., :3], "RGB")
    return Image.fromarray(pixels, "RGBA")


def fast_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of ``pixels`` at zlib level 1: what one live slider move sends."""
    buffer = io.BytesIO()
    _image(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def small_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of ``pixels`` with a palette of at most ``PALETTE_COLORS`` colours (no dithering): a static frame.

    Opaque line art on white keeps its white exactly and differs from the original by well under one
    level in 255 on average; ``tests/test_interactive.py`` checks both.
    """
    from PIL import Image

    image = _image(pixels)
    if image.mode == "RGB":
        image = image.quantize(PALETTE_COLORS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def compress_png(png: bytes) -> bytes:
    """Re-encode PNG bytes as ``small_png`` does, keeping the original if that is smaller."""
    from PIL import Image

    smaller = small_png(np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")))
    return smaller if len(smaller) < len(png) else png


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
