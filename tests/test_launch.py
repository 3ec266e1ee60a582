"""Launching a chapter elsewhere: Binder once the repository is public, never a dead button before.

The repository's address lives in one place, ``repository.url`` in ``_config.yml``. The built book is
checked in ``tests/test_browser.py`` in the state the repository is in (empty: no Binder button). Here a
one-chapter book is built with the address set, and its page must carry a Binder button that opens the
chapter as a notebook in JupyterLab; ``binder/`` must give Binder the same Python, packages and settings as
``make lab``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

# A chapter

```{code-cell} ipython3
value = 6 * 7
```

The answer is {eval}`value`.
"""


def _build(tmp_path: Path, url: str) -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["repository"]["url"] = url
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: chapters/one\n")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "one.md").write_text(CHAPTER)
    for name in ("sphinx_ext", "courseware", "vendor", "references.bib"):  # the local extensions _config.yml loads
        (tmp_path / name).symlink_to(ROOT / name)
    env = {**os.environ, "REPARAM_FIGURES": "static"}
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    build = subprocess.run([str(jupyter_book), "build", str(tmp_path), "--builder", "html", "-W", "-n", "--keep-going"],
                           env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return (tmp_path / "_build" / "html" / "chapters" / "one.html").read_text()


def test_binder_button_once_the_repository_is_set(tmp_path):
    html = _build(tmp_path, "https://github.com/someone/gradients-book")
    links = set(re.findall(r'href="(https://mybinder\.org/[^"]+)"', html))
    assert links == {"https://mybinder.org/v2/gh/someone/gradients-book/main?urlpath=lab/tree/chapters/one.md"}
    notebook = tmp_path / "_build" / "html" / "_sources" / "chapters" / "one.ipynb"
    assert "The answer is 42." in notebook.read_text(), "the download's prose carries the computed value"


def test_no_binder_button_while_the_repository_is_not_set(tmp_path):
    html = _build(tmp_path, "")
    assert "mybinder.org" not in html
    assert 'href="../_sources/chapters/one.ipynb"' in html, "the notebook download stays"


def test_binder_environment_is_the_labs(tmp_path):
    """repo2docker: the Python that pyproject.toml asks for, the pinned requirements, the settings override."""
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    requires = re.search(r'requires-python = ">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text())[1]
    assert runtime == f"python-{requires}"
    assert (ROOT / "binder" / "requirements.txt").read_text().split() == ["-r", "../requirements.txt"]
    prefix = tmp_path / "prefix"
    subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], cwd=ROOT, check=True,
                   env={**os.environ, "NB_PYTHON_PREFIX": str(prefix)})
    installed = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.read_bytes() == (ROOT / "lab" / "overrides.json").read_bytes()
