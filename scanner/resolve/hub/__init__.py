"""Opt-in online fallback: ask the Hugging Face Hub for licenses the bundled database lacks.

Only references the database left unknown and that name a Hub model are asked about, each
distinct id once per run, through ``GET {endpoint}/api/models/{repo_id}`` (standard library
only, short timeout). The card metadata's ``license`` (``other`` with ``license_name``) or a
``license:`` tag is mapped through the database's license ids; without a license, a
``base_model`` the database knows gives an inferred license. Anything else stays unknown, with
the Hub's answer in the reason. Failures never raise: they are reasons too.

Answers (found and not found) are cached outside the repository, in
``$XDG_CACHE_HOME/model-license-guard/hub.json``, for ``TTL_SECONDS``.

The answer is untrusted input. Each lookup has one total deadline (``HubSettings.timeout``
seconds for connecting and every read, redirects included); only http(s) redirects are
followed, at most ``MAX_REDIRECTS``, never from https to http, and the token goes to the
configured endpoint only; the body is capped at ``MAX_ANSWER_BYTES`` and its JSON nesting at
``MAX_JSON_DEPTH``; license values with control or invisible formatting characters, too long
or too many make the card FAILED; cache entries are checked the same way when read.

The modules, in the order a lookup uses them: ``settings`` (the environment), ``client``
(cache first, then the Hub), ``transport`` (the HTTP request, its deadline and redirects),
``card`` (the answer's JSON and license values, validated), ``cache`` (the on-disk cache) and
``resolver`` (cards to license resolutions).
"""

from __future__ import annotations

from scanner.resolve.hub.cache import (
    CACHE_FILE,
    CACHE_VERSION,
    TTL_SECONDS,
    CacheEntries,
    read_cache,
    same_origin,
    write_cache,
)
from scanner.resolve.hub.card import (
    MAX_JSON_DEPTH,
    MAX_VALUE_CHARS,
    MAX_VALUES,
    HubCard,
    Status,
    json_depth,
    load_json,
    parse_card,
)
from scanner.resolve.hub.client import MAX_WORKERS, HubClient
from scanner.resolve.hub.resolver import from_card, resolve_unknowns
from scanner.resolve.hub.settings import (
    DEFAULT_ENDPOINT,
    TIMEOUT_SECONDS,
    HubSettings,
    cache_dir,
    offline,
    settings_from_env,
)
from scanner.resolve.hub.transport import (
    MAX_ANSWER_BYTES,
    MAX_REDIRECTS,
    READ_CHUNK,
    USER_AGENT,
    fetch_card,
    redirect_problem,
)

__all__ = [
    "CACHE_FILE",
    "CACHE_VERSION",
    "DEFAULT_ENDPOINT",
    "MAX_ANSWER_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_REDIRECTS",
    "MAX_VALUES",
    "MAX_VALUE_CHARS",
    "MAX_WORKERS",
    "READ_CHUNK",
    "TIMEOUT_SECONDS",
    "TTL_SECONDS",
    "USER_AGENT",
    "CacheEntries",
    "HubCard",
    "HubClient",
    "HubSettings",
    "Status",
    "cache_dir",
    "fetch_card",
    "from_card",
    "json_depth",
    "load_json",
    "offline",
    "parse_card",
    "read_cache",
    "redirect_problem",
    "resolve_unknowns",
    "same_origin",
    "settings_from_env",
    "write_cache",
]
