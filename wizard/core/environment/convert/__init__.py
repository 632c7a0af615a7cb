"""Environment managers Binder ignores (uv, Poetry, pixi, conda-lock, renv, pip-tools), turned into files it reads.

repo2docker reads none of uv.lock, poetry.lock, pixi.lock / pixi.toml, conda-lock.yml, renv.lock,
requirements.in or a Dev Container. The detector names them among the ignored files and says what Binder
does instead (`findings`, called from detection.listing); `convert()` (in `plan`) writes what the lock
says as files Binder reads, the lock staying the source of truth:

* uv.lock, poetry.lock -> requirements.txt (exact pins for Linux x86_64 and Binder's Python) + runtime.txt
  (`python_locks`, walking the lock as a graph: `graph`, `binder_python`);
* pixi.lock, conda-lock.yml -> environment.yml (`conda_locks`);
* renv.lock -> runtime.txt `r-X.Y-YYYY-MM-DD` + install.R (`renv_lock`);
* requirements.in -> requirements.txt compiled by uv (`pip_compile_adapter`).

Each generated file starts with a header naming its source and the source's digest (`sources`), so
`check` can say when the lock changed after the conversion.

This file imports nothing: the names below load on first use.
"""

from __future__ import annotations

from wizard.core.common.lazy_package import lazy_names

__all__ = ["Conversion", "OutputFile", "UnknownSource", "convert", "find_sources", "generated_from"]
_MODULE_OF = {"Conversion": "plan", "OutputFile": "plan", "UnknownSource": "plan", "convert": "plan",
              "find_sources": "plan", "generated_from": "sources"}


__getattr__, __dir__ = lazy_names(__name__, _MODULE_OF)
