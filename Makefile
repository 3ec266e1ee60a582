# make book: build the HTML book into _build/html.   make test: unit tests, nbval over every chapter, browser tests.
# make lab: JupyterLab from the same venv, the chapters opening as notebooks.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JB     := $(VENV)/bin/jupyter-book
# MathJax 3 for the offline book: npm fetches the version vendor/package-lock.json pins; the parts pages
# load are copied to vendor/site/mathjax, which _config.yml's html_extra_path serves as _build/html/mathjax.
MATHJAX := vendor/site/mathjax/tex-chtml.js

.PHONY: book test test-lab student lab assignments grade clean clean-cache

$(STAMP): requirements.txt pyproject.toml lab/overrides.json
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp lab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

$(MATHJAX): vendor/package.json vendor/package-lock.json
	cd vendor && npm ci --no-audit --no-fund --loglevel=error
	rm -rf vendor/site/mathjax && mkdir -p vendor/site/mathjax
	cd vendor/node_modules/mathjax/es5 && cp -R tex-chtml.js input output ui a11y adaptors sre $(CURDIR)/vendor/site/mathjax/
	touch $@

# Sphinx re-reads, and so re-runs, only the pages whose source changed; when reparam/ changes every page
# must run again, so Sphinx's environment is forgotten.
# The same for the student edition's build (courseware/student_edition.py builds in _build/student/source).
REPARAM_SOURCES := $(shell find reparam -name '*.py' -o -name '*.js')
CACHE_STAMP := _build/.reparam-sources
$(CACHE_STAMP): $(REPARAM_SOURCES)
	rm -rf _build/.doctrees _build/student/source/_build/.doctrees
	mkdir -p _build && touch $@

# REPARAM_FIGURES=static: slider figures become precomputed frames that work without a kernel.
book: $(STAMP) $(MATHJAX) $(CACHE_STAMP)
	REPARAM_FIGURES=static $(JB) build . --builder html -W -n --keep-going

# The browser tests read _build/html and the student-edition tests _build/student, so both are built
# (or brought up to date) first, side by side on the two cores; pytest then runs its files on two workers
# (one file stays on one worker: a notebook runs in one kernel, a browser test file keeps its server).
test: $(STAMP)
	$(MAKE) --no-print-directory -j2 book student
	$(PY) -m pytest -n 2 --dist loadfile

# Only the students' walk (part of make test): every chapter in a real JupyterLab and Notebook 7 (chromium):
# Run All, prose, sliders, save. Prints the Run All time per chapter.
test-lab: $(STAMP)
	$(PY) -m pytest tests/test_lab.py -p no:xdist -s

# The student edition, from the same sources: solutions removed (not collapsed), every exercise kept.
# Notebooks (outputs cleared) into _build/student/notebooks, the HTML book into _build/student/html.
student: $(STAMP) $(MATHJAX) $(CACHE_STAMP)
	$(PY) -m courseware.student_edition

# For students: JupyterLab on the first chapter; every chapter opens as a notebook, Run All shows the numbers.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) chapters/01_gradients_of_expectations.md

# Each assignment of the table of contents, for handing out and grading (courseware/assignments.py):
# _build/assignments/NAME/{student/NAME.ipynb, solution/NAME.ipynb, autograder.zip}.
assignments: $(STAMP)
	$(PY) -m courseware.assignments

# Grade every DIR/*.ipynb with NAME's autograder: DIR/grades.csv and DIR/feedback/*.txt (courseware/grading.py).
grade: $(STAMP)
	@test -n "$(ASSIGNMENT)" -a -n "$(SUBMISSIONS)" || { echo "usage: make grade ASSIGNMENT=NAME SUBMISSIONS=DIR"; exit 2; }
	$(PY) -m courseware.assignments $(ASSIGNMENT)
	$(PY) -m courseware.grading $(ASSIGNMENT) $(SUBMISSIONS)

clean:
	rm -rf _build

clean-cache:
	rm -rf _build/.doctrees
