"""Reading the grouped text report in tests: which places a model's block lists."""

from __future__ import annotations


def block_of(output: str, verdict: str, model: str) -> str:
    """The block of ``model`` at ``verdict`` (``FAIL``, ``WARN``, ``PASS``): its lines up to the
    next blank line; empty when the report has no such block."""
    lines = output.splitlines()
    head = f"{verdict}  {model}  "
    for index, line in enumerate(lines):
        if line.lstrip("- ").startswith(head):
            end = next((i for i in range(index, len(lines)) if not lines[i].strip()), len(lines))
            return "\n".join(lines[index:end])
    return ""


def lists_place(output: str, verdict: str, model: str, place: str) -> bool:
    """True when the report's ``verdict`` block of ``model`` names ``place`` (``path:line:col``)."""
    block = block_of(output, verdict, model)
    return any(part.strip(" ,") == place for part in block.replace(",", " ").split())
