"""The bibliography parses, has each key once, and holds every key the pages cite."""

from __future__ import annotations

import re
from pathlib import Path

from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parent.parent


def test_every_cited_key_is_in_the_bibliography_once():
    text = (ROOT / "references.bib").read_text()
    keys = re.findall(r"^@\w+\{([^,\s]+),", text, re.M)
    assert len(keys) == len(set(keys)), sorted(k for k in set(keys) if keys.count(k) > 1)
    database = parse_file(str(ROOT / "references.bib"))  # raises on a lost brace or a duplicate field
    pages = [ROOT / "intro.md", *ROOT.glob("chapters/*.md"), *ROOT.glob("assignments/*.md")]  # the book's pages
    cited = {key.strip() for page in pages
             for group in re.findall(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]+)`", page.read_text())
             for key in group.split(",")}
    assert cited and cited <= set(database.entries), sorted(cited - set(database.entries))
