"""The one registry of extractors: each SourceKind maps to the extractors that read it.

An extractor is ``extract(path, text, ctx) -> Extraction``: it gets the repo-relative path, the
decoded text and a read-only RepoContext, returns data and never prints or raises for bad input.
Each is named here by its module and imported when first called: a run imports only the
extractors of the kinds of file it reads (the configuration extractors and ``packaging`` cost
a pre-commit run on Python files alone about 0.2 s otherwise).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from scanner.context import RepoContext
from scanner.types import Extraction, SourceKind

Extractor = Callable[[str, str, RepoContext], Extraction]


class Lazy:
    """Extractor ``name`` of module ``scanner.find.extractors.<module>``, imported at its
    first call (``__module__`` names that module, as a function's does)."""

    def __init__(self, module: str, name: str) -> None:
        self.__module__ = f"{__name__}.{module}"
        self.__name__ = name
        self._function: Extractor | None = None

    def __call__(self, path: str, text: str, ctx: RepoContext) -> Extraction:
        if self._function is None:
            self._function = getattr(importlib.import_module(self.__module__), self.__name__)
        return self._function(path, text, ctx)


EXTRACTORS: dict[SourceKind, tuple[Extractor, ...]] = {
    SourceKind.PYTHON: (Lazy("python", "extract"),),
    SourceKind.NOTEBOOK: (Lazy("notebook", "extract"),),
    SourceKind.REQUIREMENTS: (Lazy("requirements", "extract_requirements"),),
    SourceKind.PYPROJECT: (
        Lazy("requirements", "extract_pyproject"),
        Lazy("configs", "extract_toml"),
    ),
    SourceKind.SETUP_CFG: (
        Lazy("requirements", "extract_setup_cfg"),
        Lazy("configs", "extract_ini"),
    ),
    SourceKind.YAML: (Lazy("configs", "extract_yaml"),),
    SourceKind.JSON: (Lazy("configs", "extract_json"),),
    SourceKind.TOML: (Lazy("configs", "extract_toml"),),
    SourceKind.CONDA: (Lazy("requirements", "extract_conda"),),
}
