"""Report formats: each is ``render(report) -> str``; FORMATS is the one registry.

``text`` also takes ``color=`` (the CLI passes whether stdout is a terminal); through the
registry it renders without colour. Format modules are imported when first used, so a
pre-commit run does not pay for the CycloneDX library it does not need.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from scanner.types import Report

FORMAT_MODULES: dict[str, str] = {
    "text": "scanner.report.text",
    "json": "scanner.report.json",
    "sarif": "scanner.report.sarif",
    "cyclonedx": "scanner.report.cyclonedx",
    "markdown": "scanner.report.markdown",
    "github": "scanner.report.github",
}


def _lazy(module: str) -> Callable[[Report], str]:
    def render(report: Report) -> str:
        renderer: Callable[[Report], str] = importlib.import_module(module).render
        return renderer(report)

    render.__doc__ = f"Render a report with {module}.render."
    return render


FORMATS: dict[str, Callable[[Report], str]] = {
    name: _lazy(module) for name, module in FORMAT_MODULES.items()
}
