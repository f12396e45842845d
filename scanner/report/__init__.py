"""Report formats: each is ``render(report) -> str``; FORMATS is the one registry.

``text`` also takes ``color=`` (the CLI passes whether stdout is a terminal); through the
registry it renders without colour.
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.report import cyclonedx, github, json, markdown, sarif, text
from scanner.types import Report

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "cyclonedx": cyclonedx.render,
    "markdown": markdown.render,
    "github": github.render,
}
