"""The one registry of extractors: each SourceKind maps to the extractors that read it.

An extractor is ``extract(path, text, ctx) -> Extraction``: it gets the repo-relative path, the
decoded text and a read-only RepoContext, returns data and never prints or raises for bad input.
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.context import RepoContext
from scanner.find.extractors import configs, notebook, python, requirements
from scanner.types import Extraction, SourceKind

Extractor = Callable[[str, str, RepoContext], Extraction]

EXTRACTORS: dict[SourceKind, tuple[Extractor, ...]] = {
    SourceKind.PYTHON: (python.extract,),
    SourceKind.NOTEBOOK: (notebook.extract,),
    SourceKind.REQUIREMENTS: (requirements.extract_requirements,),
    SourceKind.PYPROJECT: (requirements.extract_pyproject, configs.extract_toml),
    SourceKind.SETUP_CFG: (requirements.extract_setup_cfg, configs.extract_ini),
    SourceKind.YAML: (configs.extract_yaml,),
    SourceKind.JSON: (configs.extract_json,),
    SourceKind.TOML: (configs.extract_toml,),
    SourceKind.CONDA: (requirements.extract_conda,),
}
