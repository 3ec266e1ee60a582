# make book: build the HTML book into _build/html.   make test: unit tests, nbval over every chapter, browser tests.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JB     := $(VENV)/bin/jupyter-book

.PHONY: book test student clean clean-cache

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# REPARAM_FIGURES=static: slider figures become precomputed frames that work without a kernel.
book: $(STAMP)
	REPARAM_FIGURES=static $(JB) build . --builder html -W -n --keep-going

# The browser tests read _build/html, so the book is built (or brought up to date) first.
test: book
	$(PY) -m pytest

# The student edition, from the same sources: solutions removed (not collapsed), every exercise kept.
# Notebooks (outputs cleared) into _build/student/notebooks, the HTML book into _build/student/html.
student: $(STAMP)
	$(PY) -m courseware.student_edition

clean:
	rm -rf _build

clean-cache:
	rm -rf _build/.jupyter_cache
