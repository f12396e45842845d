"""Opt-in online fallback: ask the Hugging Face Hub for licenses the bundled database lacks.

Only references the database left unknown and that name a Hub model are asked about, each
distinct id once per run, through ``GET {endpoint}/api/models/{repo_id}`` (standard library
only, short timeout). The card metadata's ``license`` (``other`` with ``license_name``) or a
``license:`` tag is mapped through the database's license ids; without a license, a
``base_model`` the database knows gives an inferred license. Anything else stays unknown, with
the Hub's answer in the reason. Failures never raise: they are reasons too.

Answers (found and not found) are cached outside the repository, in
``$XDG_CACHE_HOME/model-license-guard/hub.json``, for ``TTL_SECONDS``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import TypeGuard

from license_db import LicenseDB
from license_db.expression import AllOf, parse, render
from license_db.schema import Match, Rule
from scanner.identify import hub_id
from scanner.resolve import canonical_expression
from scanner.types import Known, ModelId, RefKind, Resolved, Unknown

DEFAULT_ENDPOINT = "https://huggingface.co"
TIMEOUT_SECONDS = 5.0
TTL_SECONDS = 7 * 24 * 3600
MAX_WORKERS = 4
MAX_ANSWER_BYTES = 20_000_000
CACHE_VERSION = 1
CACHE_FILE = "hub.json"
USER_AGENT = "model-license-guard"
_TRUE = frozenset({"1", "on", "yes", "true"})
_BASE_RELATIONS = frozenset({"adapter", "finetune", "merge", "quantized"})


class Status(str, Enum):
    """What the Hub answered for one repository."""

    FOUND = "found"  # 200 with card metadata (possibly without a license)
    NOT_FOUND = "not-found"  # 404
    DENIED = "denied"  # 401 / 403: private, gated or missing without a token
    FAILED = "failed"  # network error, timeout, other status, malformed answer
    INVALID = "invalid"  # not a Hub repository id: never asked


@dataclass(frozen=True, slots=True)
class HubCard:
    """The license facts of one Hub model's metadata, or why there are none."""

    url: str
    status: Status
    licenses: tuple[str, ...] = ()  # cardData.license (or license: tags), as written
    license_name: str | None = None  # cardData.license_name, for license "other"
    base_models: tuple[str, ...] = ()  # cardData.base_model (or base_model: tags)
    problem: str | None = None  # for DENIED / FAILED / INVALID: what went wrong


@dataclass(frozen=True, slots=True)
class HubSettings:
    """Where and how to ask: endpoint, optional token, timeout."""

    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = None
    timeout: float = TIMEOUT_SECONDS

    def url(self, repo_id: str) -> str:
        """The model-info URL of ``repo_id``."""
        return f"{self.endpoint.rstrip('/')}/api/models/{urllib.parse.quote(repo_id, safe='/')}"


@dataclass(frozen=True, slots=True)
class HubClient:
    """Asks the Hub through an on-disk cache (``cache_file`` None: no cache)."""

    settings: HubSettings = field(default_factory=HubSettings)
    cache_file: Path | None = None
    ttl: float = TTL_SECONDS
    clock: Callable[[], float] = time.time

    def cards(self, repo_ids: Iterable[str]) -> dict[str, HubCard]:
        """The card of every distinct id: fresh cache entries first, the Hub for the rest."""
        cache = read_cache(self.cache_file) if self.cache_file else {}
        now = self.clock()
        answers: dict[str, HubCard] = {}
        missing: list[str] = []
        for repo_id in dict.fromkeys(repo_ids):
            entry = cache.get(self.settings.url(hub_id(repo_id) or repo_id))
            if entry is not None and 0 <= now - entry[0] < self.ttl:
                answers[repo_id] = entry[1]
            else:
                missing.append(repo_id)
        fetched = self._fetch_all(missing)
        answers.update(fetched)
        cacheable = [card for card in fetched.values() if _cacheable(card)]
        if self.cache_file is not None and cacheable:
            fresh = {url: e for url, e in cache.items() if 0 <= now - e[0] < self.ttl}
            fresh.update((card.url, (now, card)) for card in cacheable)
            write_cache(self.cache_file, fresh)
        return answers

    def _fetch_all(self, repo_ids: Sequence[str]) -> dict[str, HubCard]:
        if len(repo_ids) <= 1:
            return {repo_id: fetch_card(self.settings, repo_id) for repo_id in repo_ids}
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(repo_ids))) as pool:
            cards = pool.map(lambda repo_id: fetch_card(self.settings, repo_id), repo_ids)
            return dict(zip(repo_ids, cards, strict=True))


# -- configuration ---------------------------------------------------------------------------


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


# -- asking the Hub --------------------------------------------------------------------------


def fetch_card(settings: HubSettings, repo_id: str) -> HubCard:
    """Ask the Hub about one repository; never raises (failures are a FAILED card)."""
    target = hub_id(repo_id)
    url = settings.url(target or repo_id)
    if target is None:
        return HubCard(url, Status.INVALID, problem=f"{repo_id!r} is not a Hub repository id")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        problem = f"HF_ENDPOINT {settings.endpoint!r} is not an http(s) URL"
        return HubCard(url, Status.FAILED, problem=problem)
    body = _get(url, settings)
    if isinstance(body, HubCard):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return HubCard(url, Status.FAILED, problem="the answer is not JSON")
    return parse_card(url, data)


def _get(url: str, settings: HubSettings) -> bytes | HubCard:
    """The body of a 200 answer, or the card saying why there is none."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    try:
        request = urllib.request.Request(url, headers=headers)
        if settings.token:  # not forwarded if the Hub redirects elsewhere
            request.add_unredirected_header("Authorization", f"Bearer {settings.token}")
        with urllib.request.urlopen(request, timeout=settings.timeout) as answer:
            body: bytes = answer.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        return _http_error(url, exc.code)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return HubCard(url, Status.FAILED, problem=_describe(exc, settings.timeout))
    if len(body) > MAX_ANSWER_BYTES:
        return HubCard(url, Status.FAILED, problem=f"answer over {MAX_ANSWER_BYTES:,} bytes")
    return body


def _http_error(url: str, code: int) -> HubCard:
    if code == 404:
        return HubCard(url, Status.NOT_FOUND, problem="HTTP 404")
    if code in (401, 403):
        return HubCard(url, Status.DENIED, problem=f"HTTP {code}")
    return HubCard(url, Status.FAILED, problem=f"HTTP {code}")


def _describe(exc: BaseException, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s"
    return str(reason) or type(reason).__name__


def parse_card(url: str, data: object) -> HubCard:
    """The license facts of a model-info JSON answer (``cardData`` first, then tags)."""
    if not isinstance(data, dict):
        return HubCard(url, Status.FAILED, problem="the answer is not a JSON object")
    card = data.get("cardData")
    card = card if isinstance(card, dict) else {}
    tags = data.get("tags")
    tags = [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []
    licenses = _strings(card.get("license")) or tuple(
        tag.removeprefix("license:") for tag in tags if tag.startswith("license:")
    )
    bases = _strings(card.get("base_model")) or tuple(
        _tag_base(tag) for tag in tags if tag.startswith("base_model:")
    )
    name = card.get("license_name")
    return HubCard(
        url,
        Status.FOUND,
        licenses=tuple(dict.fromkeys(licenses)),
        license_name=name.strip() if isinstance(name, str) and name.strip() else None,
        base_models=tuple(dict.fromkeys(bases)),
    )


def _strings(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(item.strip() for item in items if isinstance(item, str) and item.strip())


def _tag_base(tag: str) -> str:
    """``base_model:finetune:org/x`` (or ``base_model:org/x``) -> ``org/x``."""
    rest = tag.removeprefix("base_model:")
    relation, _, target = rest.partition(":")
    return target if target and relation in _BASE_RELATIONS else rest


# -- cache -----------------------------------------------------------------------------------

CacheEntries = dict[str, tuple[float, HubCard]]


def _cacheable(card: HubCard) -> bool:
    return card.status in (Status.FOUND, Status.NOT_FOUND)


def read_cache(path: Path) -> CacheEntries:
    """Cached cards by URL with their fetch time; a missing or corrupt file is empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {
        url: entry
        for url, raw in entries.items()
        if isinstance(url, str) and (entry := _entry(url, raw)) is not None
    }


def _entry(url: str, raw: object) -> tuple[float, HubCard] | None:
    if not isinstance(raw, dict):
        return None
    fetched, status, name = raw.get("fetched"), raw.get("status"), raw.get("license_name")
    if not isinstance(fetched, (int, float)) or status not in ("found", "not-found"):
        return None
    if name is not None and not isinstance(name, str):
        return None
    licenses, bases = raw.get("licenses"), raw.get("base_models")
    if not _string_list(licenses) or not _string_list(bases):
        return None
    card = HubCard(url, Status(status), tuple(licenses), name, tuple(bases))
    return float(fetched), replace(card, problem="HTTP 404" if status == "not-found" else None)


def _string_list(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def write_cache(path: Path, entries: CacheEntries) -> None:
    """Write ``entries`` atomically (temporary file + rename); an unwritable cache is skipped."""
    document = {
        "version": CACHE_VERSION,
        "entries": {
            url: {
                "fetched": fetched,
                "status": card.status.value,
                "licenses": list(card.licenses),
                "license_name": card.license_name,
                "base_models": list(card.base_models),
            }
            for url, (fetched, card) in sorted(entries.items())
        },
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1, sort_keys=True)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


# -- resolution ------------------------------------------------------------------------------


def resolve_unknowns(
    resolved: Sequence[Resolved], db: LicenseDB, client: HubClient
) -> list[Resolved]:
    """``resolved`` in order, with each unknown Hub model resolved by its Hub card if it can."""
    cards = client.cards(item.model for item in resolved if _askable(item))
    return [from_card(item, cards[item.model], db) if _askable(item) else item for item in resolved]


def _askable(item: Resolved) -> TypeGuard[Unknown]:
    return isinstance(item, Unknown) and item.ref.kind is RefKind.HUGGINGFACE


def from_card(unknown: Unknown, card: HubCard, db: LicenseDB) -> Resolved:
    """``unknown`` resolved by what the Hub said, or still unknown with the Hub's answer."""
    match card.status:
        case Status.FOUND:
            return _from_metadata(unknown, card, db)
        case Status.NOT_FOUND:
            return _still(unknown, f"not on the Hugging Face Hub either ({card.url}: HTTP 404)")
        case Status.DENIED:
            return _still(
                unknown,
                f"the Hugging Face Hub refused access ({card.url}: {card.problem}): private, "
                "gated or missing repository; set HF_TOKEN to a token that can read it",
            )
        case Status.INVALID:
            return _still(unknown, f"not asked on the Hugging Face Hub: {card.problem}")
    return _still(unknown, f"hub lookup failed: {card.problem} ({card.url})")


def _still(unknown: Unknown, why: str) -> Unknown:
    return replace(unknown, reason=f"{unknown.reason}; {why}")


def _from_metadata(unknown: Unknown, card: HubCard, db: LicenseDB) -> Resolved:
    if not card.licenses:
        return _from_base(unknown, card, db)
    label = "license: " + ", ".join(card.licenses)
    if card.license_name and "other" in card.licenses:
        label += f", license_name: {card.license_name}"
    expression = _expression(_declared(card), db)
    if expression is None:
        return _still(
            unknown,
            f"the Hub card at {card.url} declares {label}, which the database does not know",
        )
    return Known(unknown.ref, unknown.model, _match(unknown.model, expression, card, label))


def _declared(card: HubCard) -> tuple[str, ...]:
    """The card's licenses, with ``other`` replaced by ``license_name`` when it has one."""
    named = card.license_name
    return tuple(named if item == "other" and named else item for item in card.licenses)


def _expression(licenses: Sequence[str], db: LicenseDB) -> str | None:
    """Every license in the database's ids, ANDed; None if any one is unknown."""
    canonical = [canonical_expression(item, db) for item in licenses]
    known = [item for item in dict.fromkeys(canonical) if item is not None]
    if None in canonical or not known:
        return None
    return known[0] if len(known) == 1 else render(AllOf(tuple(parse(item) for item in known)))


def _match(model: ModelId, expression: str, card: HubCard, label: str) -> Match:
    return Match(
        query=model,
        model_id=model,
        license=expression,
        rule=Rule.HUB,
        detail=f"Hugging Face Hub card metadata ({label}) at {card.url}",
        source=card.url,
    )


def _from_base(unknown: Unknown, card: HubCard, db: LicenseDB) -> Resolved:
    """No license on the card: the license of its base model(s), when the database knows all."""
    if not card.base_models:
        return _still(unknown, f"the Hub card at {card.url} declares no license and no base_model")
    found = [(base, db.lookup(base)) for base in card.base_models]
    matches = [match for _, match in found if match is not None]
    missing = [base for base, match in found if match is None]
    expression = None if missing else _expression([m.license for m in matches], db)
    if expression is None:
        return _still(
            unknown,
            f"the Hub card at {card.url} declares no license, and its base model "
            f"{', '.join(missing or card.base_models)} is not in the database",
        )
    label = "no license; base_model: " + ", ".join(card.base_models)
    via = "; ".join(f"base model {m.model_id} resolved by {m.rule.value}" for m in matches)
    match = _match(unknown.model, expression, card, label)
    return Known(
        unknown.ref,
        unknown.model,
        replace(
            match,
            detail=f"{match.detail}; {via}",
            base_model=", ".join(m.model_id for m in matches),
            inferred=True,
        ),
    )
