"""reparam.interactive (sliders in Jupyter and in the static book, animations) and reparam.plotting's palette.

The browser tests (tests/test_browser.py) move the sliders in a real page; here the helpers are checked
without a browser: the right frame sits at the right grid index, a slider that does nothing is refused,
the HTML needs no other host, the controls are labelled, and the palette keeps its promises.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from reparam.interactive import Explorer, animation, explore, mode  # noqa: E402
from reparam.interactive.frames import player_script  # noqa: E402
from reparam.interactive.images import compress_png, png_size  # noqa: E402
from reparam.plotting import COLORS, CYCLE, OKABE_ITO  # noqa: E402

MU = [-1.0, 0.0, 1.0]
SIGMA = [0.5, 2.0]


def paint(fig, mu, sigma):
    """A figure whose background colour encodes (mu, sigma), so a frame can be read back."""
    fig.patch.set_facecolor((MU.index(mu) / 2, SIGMA.index(sigma), 0.5))
    fig.add_subplot().plot([0, 1], [mu, sigma])


def painted(png: bytes) -> tuple[float, float]:
    r, g, _ = Image.open(io.BytesIO(png)).convert("RGB").getpixel((1, 1))
    return MU[round(r / 255 * 2)], SIGMA[round(g / 255)]


def _data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" class="rp-frames">(.*?)</script>', html).group(1))


def _png(source: str) -> bytes:
    return base64.b64decode(source.removeprefix("data:image/png;base64,"))


# mode -----------------------------------------------------------------------------------------------------


def test_mode_follows_the_environment(monkeypatch):
    monkeypatch.delenv("REPARAM_FIGURES", raising=False)
    assert mode() == "live"
    monkeypatch.setenv("REPARAM_FIGURES", "static")
    assert mode() == "static"
    monkeypatch.setenv("REPARAM_FIGURES", "html")
    with pytest.raises(ValueError, match="REPARAM_FIGURES.*'html'"):
        mode()


def test_explore_returns_a_widget_live_and_html_static(monkeypatch):
    import ipywidgets
    from IPython.display import HTML

    monkeypatch.setenv("REPARAM_FIGURES", "live")
    assert isinstance(explore(paint, alt="Colours.", mu=MU, sigma=SIGMA), ipywidgets.VBox)
    monkeypatch.setenv("REPARAM_FIGURES", "static")
    assert isinstance(explore(paint, alt="Colours.", mu=MU, sigma=SIGMA), HTML)


# bad input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"draw": "not callable"}, TypeError, "draw must be callable"),
        ({"alt": "  "}, ValueError, "alt must be a non-empty"),
        ({"sliders": {}}, ValueError, "at least one slider"),
        ({"sliders": {"mu": [1.0]}}, ValueError, "slider 'mu' needs a sequence of at least two"),
        ({"sliders": {"mu": "abc"}}, ValueError, "slider 'mu'"),
        ({"sliders": {"mu": [1.0, 1.00001]}}, ValueError, "repeated values"),
        ({"initial": {"mu": 0.5}}, ValueError, r"initial value mu=0.5 is not on the slider grid"),
        ({"labels": {"nu": "ν"}}, ValueError, "labels name no slider: \\['nu'\\]"),
        ({"dpi": 1000}, ValueError, "dpi must be a number between 20 and 300; got 1000"),
    ],
)
def test_bad_input_is_refused_at_once(kwargs, error, message):
    args = {"draw": paint, "sliders": {"mu": MU, "sigma": SIGMA}, "alt": "Colours."} | kwargs
    with pytest.raises(error, match=message):
        Explorer(**args)


def test_a_slider_that_does_nothing_is_refused():
    def ignores_sigma(fig, mu, sigma):
        fig.add_subplot().plot([0, 1], [0, mu])

    with pytest.raises(ValueError, match="slider 'sigma' does not change the figure"):
        Explorer(ignores_sigma, {"mu": MU, "sigma": SIGMA}, "A line.").static_html()


def test_a_slider_that_acts_only_with_another_is_accepted():
    def product(fig, mu, sigma):  # sigma matters only where mu != 0
        fig.add_subplot().plot([0, 1], [0, mu * sigma])

    Explorer(product, {"mu": MU, "sigma": SIGMA}, "A line.").static_html()


# static frames --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page():
    explorer = Explorer(paint, {"mu": MU, "sigma": SIGMA}, "Colours.", "A caption.", {"mu": "mean μ"}, {"mu": 1.0})
    return explorer.static_html()


def test_each_grid_point_shows_its_own_frame(page):
    """The page's JavaScript shows sources[order[k]] with k = flat index, the last slider fastest."""
    data = _data(page)
    assert data["sizes"] == [3, 2]
    for k, (mu, sigma) in enumerate(itertools.product(MU, SIGMA)):
        assert painted(_png(data["sources"][data["order"][k]])) == (mu, sigma), k


def test_the_first_frame_is_the_initial_setting(page):
    first = re.search(r'<img src="(data:[^"]+)" data-frame="(\d+)"', page)
    assert painted(_png(first.group(1))) == (1.0, 2.0)  # initial mu, the middle (index 1) of SIGMA
    assert int(first.group(2)) == MU.index(1.0) * len(SIGMA) + 1


def test_identical_frames_are_stored_once():
    def coarse(fig, mu, sigma):  # sigma only matters for mu > 0: 4 distinct frames of 6
        fig.add_subplot().plot([0, 1], [0, mu + (sigma if mu > 0 else 0)])

    data = _data(Explorer(coarse, {"mu": MU, "sigma": SIGMA}, "A line.").static_html())
    assert len(data["order"]) == 6
    assert len(data["sources"]) == len(set(data["order"])) == 4


def test_the_page_is_self_contained_and_labelled(page):
    assert not re.search(r"(src|href)=\"https?://", page)
    assert "https://" not in page and "http://" not in page
    ids = re.findall(r'<input type="range" id="([\w-]+)"', page)
    assert len(ids) == 2
    for i in ids:
        assert f'<label for="{i}"' in page and f'<output for="{i}"' in page
    assert ">mean μ</label>" in page and ">sigma</label>" in page
    assert 'alt="Colours. (mean μ = 1, sigma = 2)"' in page
    assert "<figcaption>A caption.</figcaption>" in page


def test_two_figures_on_one_page_have_distinct_ids():
    explorer = Explorer(paint, {"mu": MU, "sigma": SIGMA}, "Colours.")
    first, second = explorer.static_html(), explorer.static_html()
    assert re.search(r'id="(rp-[\w-]+)"', first).group(1) != re.search(r'id="(rp-[\w-]+)"', second).group(1)


def test_compressed_frames_are_smaller_and_look_the_same():
    fig = Figure(figsize=(6.4, 3.6), dpi=80)
    ax = fig.add_subplot()
    x = np.linspace(0, 6, 300)
    for k, colour in enumerate(OKABE_ITO.values()):
        ax.plot(x, np.sin(x + k), color=colour, lw=2)
    ax.fill_between(x, -1, np.cos(x), alpha=0.3)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    raw = buffer.getvalue()
    small = compress_png(raw)
    assert len(small) < 0.6 * len(raw), (len(small), len(raw))
    a = np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"), dtype=float)
    b = np.asarray(Image.open(io.BytesIO(small)).convert("RGB"), dtype=float)
    assert a.shape == b.shape
    assert np.abs(a - b).mean() < 1.0  # out of 255: invisible on average
    assert (b[0, 0] == 255).all()  # the white background stays exactly white
    assert png_size(small) == (a.shape[1], a.shape[0])


# live widgets ---------------------------------------------------------------------------------------------


def _shown(picture) -> tuple[bytes, str]:
    """The PNG and the alt text of the live figure (an ipywidgets.HTML holding one <img>)."""
    img = re.fullmatch(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)" width="\d+" height="\d+" [^>]*>', picture.value)
    assert img, picture.value[:200]
    return base64.b64decode(img.group(1)), html.unescape(img.group(2))


def test_live_sliders_redraw_the_image_and_its_alt_text():
    import ipywidgets

    box = Explorer(paint, {"mu": MU, "sigma": SIGMA}, "Colours.", "A caption.", labels={"mu": "mean μ"}).live()
    mu_slider, sigma_slider, picture, caption = box.children
    assert [type(w) for w in box.children] == [ipywidgets.SelectionSlider] * 2 + [ipywidgets.HTML] * 2
    assert (mu_slider.description, sigma_slider.description) == ("mean μ", "sigma")
    assert "A caption." in caption.value
    # No widget carries a tooltip: an ipywidgets.Image with one breaks its view in JupyterLab 4 (issue 9).
    assert all(w.tooltip is None for w in box.children)
    assert painted(_shown(picture)[0]) == (0.0, 2.0)
    mu_slider.value = -1.0
    assert painted(_shown(picture)[0]) == (-1.0, 2.0)
    sigma_slider.value = 0.5
    png, alt = _shown(picture)
    assert painted(png) == (-1.0, 0.5)
    assert alt == "Colours. (mean μ = -1, sigma = 0.5)"


def test_live_alt_text_is_escaped():
    box = Explorer(paint, {"mu": MU, "sigma": SIGMA}, 'A "quoted" <b>figure</b> & more.').live()
    assert _shown(box.children[2])[1] == 'A "quoted" <b>figure</b> & more. (mu = 0, sigma = 2)'
    assert "<b>" not in box.children[2].value


def test_live_sliders_draw_each_setting_once():
    calls = []

    def counted(fig, mu, sigma):
        calls.append((mu, sigma))
        paint(fig, mu, sigma)

    box = Explorer(counted, {"mu": MU, "sigma": SIGMA}, "Colours.").live()
    mu_slider, _, picture = box.children
    for value in (1.0, -1.0, 0.0, 1.0):  # back to the start, then to a setting already shown
        mu_slider.value = value
        assert painted(_shown(picture)[0]) == (value, 2.0)
    assert calls == [(0.0, 2.0), (1.0, 2.0), (-1.0, 2.0)]


# the fast form: draw returns update(**values) ---------------------------------------------------------------

X = np.linspace(-4, 4, 200)
SMALL = {"figsize": (3.2, 2.4), "dpi": 50}  # small frames: these tests draw many


def bell(fig, mu, sigma):
    """The fast form: set up once, update the line, the marker, the title and the limits."""
    ax = fig.add_subplot()
    ax.set_xlim(-4, 4)
    (line,) = ax.plot(X, 0 * X, label="density")
    (mark,) = ax.plot([0], [0], "o")
    ax.legend(loc="upper right")

    def update(mu, sigma):
        y = np.exp(-0.5 * ((X - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))
        line.set_ydata(y)
        mark.set_data([mu], [y.max()])
        ax.set_ylim(0, 1.1 * y.max())
        ax.set_title(f"μ = {mu:g}, σ = {sigma:g}")

    update(mu, sigma)
    return update


def test_the_update_path_draws_what_a_fresh_draw_draws():
    """Every setting, reached by updates from any other, has exactly the pixels of a fresh draw with the
    same (kept) layout: the same artists in the same state give the same Agg pixels, so no tolerance."""
    explorer = Explorer(bell, {"mu": MU, "sigma": SIGMA}, "A bell.", **SMALL)
    assert explorer.fast
    settings = explorer.grid()
    for values in settings + settings[::-1]:  # each setting reached from two different ones
        assert np.array_equal(explorer.pixels(**values), explorer.from_scratch(**values)), values
    frames = {tuple(v.values()): explorer.render(**v) for v in settings}
    assert len(set(frames.values())) == len(settings)  # and every setting looks different


def test_the_fast_form_keeps_the_layout():
    """Solved once by constrained layout at the first setting, then kept: the axes do not jump."""
    explorer = Explorer(bell, {"mu": MU, "sigma": SIGMA}, "A bell.", **SMALL)
    assert explorer.fast
    ax = explorer._figure.axes[0]
    first = ax.get_position().bounds
    assert first != (0.125, 0.11, 0.775, 0.77)  # not matplotlib's default subplot box: the layout was solved
    explorer.render(mu=-1.0, sigma=0.5)
    assert ax.get_position().bounds == first


def test_an_update_that_forgets_an_artist_is_refused():
    def forgets_the_title(fig, mu, sigma):
        update = bell(fig, mu, sigma)
        return lambda mu, sigma: update(mu, sigma) or fig.axes[0].set_title(f"μ = {mu:g}, σ = 1")

    with pytest.raises(ValueError, match=r"update\(\*\*values\) draws a different figure from draw.*at \{'mu': -1.0, 'sigma': 0.5\}"):
        Explorer(forgets_the_title, {"mu": MU, "sigma": SIGMA}, "A bell.", initial={"mu": 0.0, "sigma": 2.0}, **SMALL).static_html()


def test_draw_must_return_none_or_an_update():
    with pytest.raises(TypeError, match="must return None or an update.*got 42"):
        Explorer(lambda fig, mu: 42, {"mu": MU}, "Nothing.").render(mu=0.0)


def test_the_fast_form_in_the_book_matches_the_live_figure():
    explorer = Explorer(bell, {"mu": MU, "sigma": SIGMA}, "A bell.", **SMALL)
    data = _data(explorer.static_html())
    for k, values in enumerate(explorer.grid()):
        book = np.asarray(Image.open(io.BytesIO(_png(data["sources"][data["order"][k]]))).convert("RGB"), dtype=float)
        live = np.asarray(Image.open(io.BytesIO(explorer.render(**values))).convert("RGB"), dtype=float)
        assert np.abs(book - live).mean() < 1.0, values  # the same picture, up to the palette (see below)


# the static player (player.js) in a real browser -----------------------------------------------------------


def test_the_player_is_an_asset_not_a_python_string(page):
    script = player_script()
    assert script.startswith("// The static book's slider player")
    assert f"<script>{script}</script>" in page
    assert page.count("<script") == 2  # the frames as JSON, and the player


def test_the_player_swaps_frames_and_alt_text_in_chromium(page):
    """player.js on a tiny page: each key press shows the frame of the new grid point, with its alt text."""
    from tests.browser_helpers import chromium, require_browser

    require_browser()
    data = _data(page)
    with chromium() as browser:
        tab = browser.new_page()
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.set_content(f"<!doctype html><html lang='en'><body>{page}</body></html>")
        mu_input, sigma_input = tab.locator("input[type=range]").all()
        img = tab.locator("figure.rp-explore img")
        seen = []
        for slider, key, expected in [
            (sigma_input, "ArrowLeft", (1.0, 0.5)),
            (mu_input, "ArrowLeft", (0.0, 0.5)),
            (mu_input, "ArrowLeft", (-1.0, 0.5)),
            (sigma_input, "ArrowRight", (-1.0, 2.0)),
        ]:
            slider.press(key)
            k = MU.index(expected[0]) * len(SIGMA) + SIGMA.index(expected[1])
            src = img.get_attribute("src")
            assert src == data["sources"][data["order"][k]] and img.get_attribute("data-frame") == str(k)
            assert painted(_png(src)) == expected
            mu_text, sigma_text = (f"{v:g}" for v in expected)
            assert img.get_attribute("alt") == f"Colours. (mean μ = {mu_text}, sigma = {sigma_text})"
            assert tab.locator("output").all_text_contents() == [mu_text, sigma_text]
            assert slider.get_attribute("aria-valuetext") == (mu_text if slider is mu_input else sigma_text)
            seen.append(src)
        assert len(set(seen)) == 4 and not errors, errors


# animations -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wave():
    fig = Figure(figsize=(4, 2.5), dpi=60)
    ax = fig.add_subplot()
    x = np.linspace(0, 2 * np.pi, 100)
    (line,) = ax.plot(x, np.sin(x))
    return FuncAnimation(fig, lambda t: line.set_ydata(np.sin(x - t)), frames=np.linspace(0, np.pi, 4), interval=100)


def test_animation_works_offline_with_alt_text_and_a_labelled_slider(wave):
    raw = wave.to_jshtml()
    assert "https://" in raw  # matplotlib's player loads Font Awesome from a CDN ...
    page = animation(wave, alt="A sine wave moving right.", caption="A wave.").data
    assert "https://" not in page and "http://" not in page  # ... the book's does not
    assert re.search(r'<img id="_anim_img\w+" alt="A sine wave moving right.">', page)
    slider = re.search(r'<input id="(_anim_slider\w+)" type="range"', page).group(1)
    assert f'<label for="{slider}"' in page
    frames = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]+)"', page)
    assert len(frames) == 4
    assert len({f for f in frames}) == 4
    assert sum(map(len, frames)) < sum(map(len, re.findall(r'base64,([^"]+)"', raw)))
    for f in frames:
        assert Image.open(io.BytesIO(base64.b64decode(f))).size == (240, 150)
    assert "<figcaption>A wave.</figcaption>" in page


def test_animation_refuses_bad_input(wave):
    with pytest.raises(ValueError, match="alt must be a non-empty"):
        animation(wave, alt="")
    with pytest.raises(TypeError, match="anim must be a matplotlib.animation.Animation; got Figure"):
        animation(Figure(), alt="A figure.")


# palette --------------------------------------------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009): full-severity simulation of the three dichromacies, in linear RGB.
DICHROMACY = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def _linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a linear sRGB colour."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(linear_rgb, 0, 1)
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _contrast_on_white(hex_colour: str) -> float:
    """WCAG 2 contrast ratio (L_white + 0.05) / (L + 0.05) with L the relative luminance."""
    return 1.05 / (float(_linear(hex_colour) @ [0.2126, 0.7152, 0.0722]) + 0.05)


@pytest.mark.parametrize("vision", ["normal"] + list(DICHROMACY))
def test_estimator_colours_stay_apart_under_colour_blindness(vision):
    """Every pair of estimator colours differs by more than 15 CIELAB units (about 7 just-noticeable
    differences) with normal vision and under each simulated dichromacy."""
    matrix = np.eye(3) if vision == "normal" else np.array(DICHROMACY[vision])
    lab = {name: _lab(matrix @ _linear(colour)) for name, colour in COLORS.items()}
    for a, b in itertools.combinations(lab, 2):
        assert np.linalg.norm(lab[a] - lab[b]) > 15, (vision, a, b)


def test_contrast_on_white():
    """WCAG's 3:1 for graphics: every estimator's colour but the baseline's orange (drawn with a marker
    or dash and named in the legend, see reparam.plotting), and the first five colours of the cycle."""
    for name, colour in COLORS.items():
        assert _contrast_on_white(colour) >= (3.0 if name != "baseline" else 2.2), name
    for name in CYCLE[:5]:
        assert _contrast_on_white(OKABE_ITO[name]) >= 3.0, name
    assert _contrast_on_white(OKABE_ITO["yellow"]) < 1.5  # why yellow stays out of the cycle
