"""The package is declared in pyproject.toml; this file only adds its compiled part.

The enrichers' per-token code is compiled to C extensions with mypyc (the compiler
that ships with mypy and builds mypy and black): the same type-checked modules, about
1.12 x the articles per second of the interpreted ones on `newswire enrich` (README,
Performance: "the enrichers compiled"). Each compiled
module keeps its .py beside it, so the source, the tracebacks' file names and the pure-
Python fallback stay the same code.

    NEWSWIRE_COMPILE=0 pip install .    # interpreted only: no C compiler needed

`make venv` installs the package editable and interpreted, then `make native` builds the
extensions in place (services/newswire/**/*.so) whenever a core module changes.
"""

from __future__ import annotations

import os
from glob import glob

from setuptools import setup

# The modules that run per token or per word. Not compiled: enrich.py (it only
# orchestrates, and bench/enrich_bench.py times its stages by wrapping the functions it
# calls) and language.py (it calls fastText and lingua, nothing to gain).
COMPILED = sorted(
    [*glob("services/newswire/core/enrichers/*.py"), *glob("services/newswire/core/enrichers/dates/*.py"),
     "services/newswire/core/textnorm.py", "services/newswire/core/textrules.py", "services/newswire/core/scripts.py"]
)
COMPILED.remove("services/newswire/core/enrichers/language.py")


def ext_modules() -> list:
    if os.environ.get("NEWSWIRE_COMPILE", "1") == "0":
        return []
    from mypyc.build import mypycify

    return mypycify(COMPILED, opt_level="3", group_name="newswire_native")


setup(ext_modules=ext_modules())
