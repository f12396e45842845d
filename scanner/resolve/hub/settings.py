"""Where and how to ask the Hub, read from the environment as huggingface_hub reads it."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ENDPOINT = "https://huggingface.co"
TIMEOUT_SECONDS = 5.0
_TRUE = frozenset({"1", "on", "yes", "true"})


@dataclass(frozen=True, slots=True)
class HubSettings:
    """Where and how to ask: endpoint, optional token, timeout."""

    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = None
    timeout: float = TIMEOUT_SECONDS

    def url(self, repo_id: str) -> str:
        """The model-info URL of ``repo_id``."""
        return f"{self.endpoint.rstrip('/')}/api/models/{urllib.parse.quote(repo_id, safe='/')}"


def offline(env: Mapping[str, str]) -> bool:
    """True when ``HF_HUB_OFFLINE`` forbids network lookups (as huggingface_hub reads it)."""
    return env.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE


def settings_from_env(env: Mapping[str, str]) -> HubSettings:
    """Endpoint from ``HF_ENDPOINT`` and token from ``HF_TOKEN``, as huggingface_hub reads them."""
    endpoint = env.get("HF_ENDPOINT", "").strip() or DEFAULT_ENDPOINT
    return HubSettings(endpoint=endpoint.rstrip("/"), token=env.get("HF_TOKEN", "").strip() or None)


def cache_dir(env: Mapping[str, str], override: Path | None = None) -> Path:
    """``override``, else ``MLG_HUB_CACHE``, else ``$XDG_CACHE_HOME`` (or ~/.cache)/<tool>."""
    if override is not None:
        return override
    if env.get("MLG_HUB_CACHE"):
        return Path(env["MLG_HUB_CACHE"])
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "model-license-guard"
