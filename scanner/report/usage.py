"""How every format words a training or distribution place and its differential privacy."""

from __future__ import annotations

from scanner.types import Privacy, Use


def use_where(use: Use) -> str:
    """``path:line:column``, with the notebook cell when there is one."""
    cell = f"cell {use.cell}:" if use.cell is not None else ""
    return f"{use.path}:{cell}{use.line}:{use.column}"


def privacy_text(privacy: Privacy | None) -> str:
    """``DP: yes (opacus PrivacyEngine), epsilon = 8 at delta = 1e-05`` or ``DP: no``; empty
    for a place that is not training."""
    if privacy is None:
        return ""
    if not privacy.dp:
        return "DP: no"
    text = f"DP: yes ({privacy.mechanism})" if privacy.mechanism else "DP: yes"
    if privacy.epsilon is not None:
        text += f", epsilon = {privacy.epsilon:.3g}"
        text += f" at delta = {privacy.delta:g}" if privacy.delta is not None else ""
        text += f" (computed: {privacy.accountant})" if privacy.accountant else " (stated)"
    elif privacy.unresolved:
        text += f", epsilon unknown: {privacy.unresolved}"
    return text


def use_text(use: Use) -> str:
    """One line: ``fine-tuning  train.py:9:28  transformers.Trainer(...).train  -> model  DP``."""
    parts = [use.kind.value, use_where(use), use.call]
    if use.models:
        parts.append("-> " + ", ".join(use.models))
    dp = privacy_text(use.privacy)
    if dp:
        parts.append(dp)
    return "  ".join(parts)
