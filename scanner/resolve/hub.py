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
"""

from __future__ import annotations

import contextlib
import http.client
import io
import itertools
import json
import math
import os
import re
import socket
import tempfile
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeGuard

from license_db import LicenseDB
from license_db.expression import AllOf, parse, render
from license_db.schema import Match, Rule
from scanner.find.identify import hub_id
from scanner.resolve.database import canonical_expression
from scanner.types import Known, ModelId, RefKind, Resolved, Unknown

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

DEFAULT_ENDPOINT = "https://huggingface.co"
TIMEOUT_SECONDS = 5.0
TTL_SECONDS = 7 * 24 * 3600
MAX_WORKERS = 4
MAX_ANSWER_BYTES = 20_000_000
MAX_REDIRECTS = 5
MAX_JSON_DEPTH = 100  # the Hub's model info nests about ten levels
MAX_VALUE_CHARS = 256  # one license, license_name or base_model
MAX_VALUES = 64  # licenses or base models on one card
READ_CHUNK = 65_536
CACHE_VERSION = 1
CACHE_FILE = "hub.json"
USER_AGENT = "model-license-guard"
_TRUE = frozenset({"1", "on", "yes", "true"})
_BASE_RELATIONS = frozenset({"adapter", "finetune", "merge", "quantized"})
# control (C0, DEL, C1), invisible formatting (bidi overrides, zero-width), surrogates, and
# line/paragraph separators: never in a license value, a cache entry or a printed problem
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


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
    redirected_to: str | None = None  # where redirects took the request, when not ``url``


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
        """The card of every distinct id: fresh cache entries first, the Hub for the rest.

        The cache key is the request URL (``settings.url``), the only URL a later lookup can
        compute before asking, so reads and writes use the same key. Keying by the final URL
        after redirects would never be found again; keying a cross-origin answer by the
        request URL would let whatever host a redirect named answer for the endpoint for a
        week. So a card is cached only when it is a validated answer (FOUND from a parsed
        JSON object, or NOT_FOUND) that the configured endpoint's origin gave: not
        redirected, or redirected only within the endpoint's scheme, host and port.
        """
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
        endpoint = self.settings.endpoint
        cacheable = [card for card in fetched.values() if _cacheable(card, endpoint)]
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
    answer = _get(url, settings)
    if isinstance(answer, HubCard):
        return answer
    body, final = answer
    data = _json_answer(url, body)
    if isinstance(data, HubCard):
        return data
    return replace(parse_card(url, data), redirected_to=_moved(url, final))


def _json_answer(url: str, body: bytes) -> object:
    """The JSON value of ``body``, or the FAILED card saying why it has none."""
    try:
        return load_json(body)
    except (RecursionError, _TooDeep):
        problem = f"the answer is not valid JSON: nested too deeply (over {MAX_JSON_DEPTH} levels)"
    except ValueError:
        problem = "the answer is not JSON"
    except Exception as exc:  # a hostile answer must not crash the scan
        problem = f"the answer is not JSON ({_printable(type(exc).__name__)})"
    return HubCard(url, Status.FAILED, problem=problem)


def _get(url: str, settings: HubSettings) -> tuple[bytes, str] | HubCard:
    """The body of a 200 answer and its final URL, or the card saying why there is none."""
    deadline = time.monotonic() + settings.timeout
    try:
        with _opener(deadline).open(_request(url, settings), timeout=settings.timeout) as answer:
            final = str(answer.url or url)
            body = _read_body(answer, deadline)
    except urllib.error.HTTPError as exc:
        return _http_error(url, exc.code, exc.filename)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return HubCard(url, Status.FAILED, problem=_describe(exc, settings.timeout))
    if body is None:
        return HubCard(url, Status.FAILED, problem=f"answer over {MAX_ANSWER_BYTES:,} bytes")
    return body, final


def _request(url: str, settings: HubSettings) -> urllib.request.Request:
    """The GET request; the token is an unredirected header, so it never leaves ``url``."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    request = urllib.request.Request(url, headers=headers)
    if settings.token:  # urllib copies only redirectable headers into a redirect's request
        request.add_unredirected_header("Authorization", f"Bearer {settings.token}")
    return request


def _read_body(answer: http.client.HTTPResponse, deadline: float) -> bytes | None:
    """The whole body in chunks, None when over MAX_ANSWER_BYTES; TimeoutError past deadline."""
    if isinstance(answer.length, int) and answer.length > MAX_ANSWER_BYTES:
        return None  # the declared Content-Length is enough to refuse
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_ANSWER_BYTES:
        _remaining(deadline)
        chunk = answer.read(min(READ_CHUNK, MAX_ANSWER_BYTES + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    return None


def _moved(url: str, final: str | None) -> str | None:
    return final if final and final != url else None


def _http_error(url: str, code: int, final: str | None = None) -> HubCard:
    if code == 404:
        return HubCard(url, Status.NOT_FOUND, problem="HTTP 404", redirected_to=_moved(url, final))
    if code in (401, 403):
        return HubCard(url, Status.DENIED, problem=f"HTTP {code}")
    return HubCard(url, Status.FAILED, problem=f"HTTP {code}")


def _describe(exc: BaseException, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s"
    return _printable(str(reason) or type(reason).__name__)


def _printable(text: str, limit: int = 300) -> str:
    """``text`` with unsafe characters escaped (``\\x1b``), cut to ``limit`` characters."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if _unsafe_char(ch) else ch for ch in text
    )


def _unsafe_char(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


def _safe_text(text: str, limit: int = MAX_VALUE_CHARS) -> bool:
    """Non-empty, at most ``limit`` characters, none of them control or invisible formatting."""
    return 0 < len(text) <= limit and not any(_unsafe_char(ch) for ch in text)


# -- a deadline for the whole lookup ---------------------------------------------------------


def _remaining(deadline: float) -> float:
    """Seconds left before the monotonic ``deadline``; TimeoutError when none are left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the lookup's deadline passed")
    return left


class _DeadlineReader(io.RawIOBase):
    """A socket's raw reader whose every receive waits only until the deadline."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._raw, self._sock, self._deadline = raw, sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        self._sock.settimeout(_remaining(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _response_class(deadline: float) -> type[http.client.HTTPResponse]:
    """An HTTPResponse whose status line, headers and body are all read before ``deadline``."""

    class Response(http.client.HTTPResponse):
        def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
            super().__init__(sock, *args, **kwargs)
            raw = self.fp.detach()  # keeps the socket's io reference: close() stays deferred
            self.fp = io.BufferedReader(_DeadlineReader(raw, sock, deadline))

    return Response


class _DeadlineHTTP(http.client.HTTPConnection):
    """An HTTP connection that connects and reads only until ``deadline`` (monotonic)."""

    def __init__(self, host: str, deadline: float, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.deadline = deadline
        self.response_class = _response_class(deadline)

    def connect(self) -> None:
        self.timeout = _remaining(self.deadline)  # bounds connect (and the TLS handshake)
        super().connect()


class _DeadlineHTTPS(_DeadlineHTTP, http.client.HTTPSConnection):
    """The same over TLS (certificates verified, as ``urllib`` does by default)."""


class _DeadlineHandler(urllib.request.AbstractHTTPHandler):
    """Opens http and https URLs through deadline connections."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._http, req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._https, req)

    def _http(self, host: str, **kwargs: Any) -> http.client.HTTPConnection:
        return _DeadlineHTTP(host, self.deadline, **kwargs)

    def _https(self, host: str, **kwargs: Any) -> http.client.HTTPConnection:
        return _DeadlineHTTPS(host, self.deadline, **kwargs)

    http_request = urllib.request.AbstractHTTPHandler.do_request_
    https_request = urllib.request.AbstractHTTPHandler.do_request_


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, only to http(s), never from https to http."""

    max_redirections = MAX_REDIRECTS
    max_repeats = MAX_REDIRECTS  # a loop ends at our count, with our message

    def __init__(self) -> None:
        super().__init__()
        self.followed = 0

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            self.followed += 1
            problem = redirect_problem(req.full_url, str(location), self.followed)
            if problem is not None:
                fp.close()
                raise urllib.error.URLError(problem)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def redirect_problem(source: str, location: str, count: int = 1) -> str | None:
    """Why the ``count``-th redirect from ``source`` to ``location`` is refused, or None."""
    if count > MAX_REDIRECTS:
        return f"more than {MAX_REDIRECTS} redirects"
    try:
        scheme = urllib.parse.urlsplit(urllib.parse.urljoin(source, location)).scheme.lower()
    except ValueError:
        return "a redirect to an invalid URL is refused"
    if scheme not in ("http", "https"):
        named = f"a {_printable(scheme, 20)}: URL" if scheme else "a URL without a scheme"
        return f"a redirect to {named} is refused: only http(s) redirects are followed"
    if scheme == "http" and urllib.parse.urlsplit(source).scheme.lower() == "https":
        return "a redirect from https to http is refused"
    return None


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    """http(s) only (no file:, ftp:, data:), environment proxies, bounded safe redirects."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _DeadlineHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


# -- reading answers -------------------------------------------------------------------------


class _TooDeep(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH."""


def load_json(document: bytes | str) -> object:
    """``json.loads`` that refuses nesting over MAX_JSON_DEPTH before parsing (no recursion)."""
    text = (
        document.decode(json.detect_encoding(document), "surrogatepass")
        if isinstance(document, bytes)
        else document
    )
    if json_depth(text) > MAX_JSON_DEPTH:
        raise _TooDeep(f"nested over {MAX_JSON_DEPTH} levels")
    return json.loads(text)


def json_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting outside strings; never below what ``json.loads`` reaches.

    Escapes are removed left to right (``\\\\`` pairs, then ``\\"``), so every quote left
    delimits a string and the even pieces between quotes are outside strings: linear, C-speed.
    """
    unescaped = text.replace("\\\\", "").replace('\\"', "")
    outside = "".join(unescaped.split('"')[::2])
    brackets = _NOT_BRACKET.sub("", outside)
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


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
    found = HubCard(
        url,
        Status.FOUND,
        licenses=tuple(dict.fromkeys(licenses)),
        license_name=name.strip() if isinstance(name, str) and name.strip() else None,
        base_models=tuple(dict.fromkeys(bases)),
    )
    problem = _metadata_problem(found)
    return found if problem is None else HubCard(url, Status.FAILED, problem=problem)


def _metadata_problem(card: HubCard) -> str | None:
    """Why the card's license facts cannot be used as they are, or None.

    Conservative: a value with a control character (ESC, CR, LF, other C0/C1), an invisible
    formatting character (bidi override, zero width), too long or too many values make the
    whole answer untrusted, rather than dropping the value and reading the rest of the card
    (dropping a hostile license could let a base model's license decide).
    """
    name = (card.license_name,) if card.license_name is not None else ()
    for label, values in (
        ("license", card.licenses),
        ("license_name", name),
        ("base_model", card.base_models),
    ):
        if len(values) > MAX_VALUES:
            return f"the answer has over {MAX_VALUES} {label} values"
        if any(len(value) > MAX_VALUE_CHARS for value in values):
            return f"the answer's {label} is over {MAX_VALUE_CHARS} characters"
        if not all(_safe_text(value) for value in values):
            return f"the answer's {label} contains control or invisible formatting characters"
    return None


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


def _cacheable(card: HubCard, endpoint: str) -> bool:
    """A validated answer (FOUND or NOT_FOUND) that the endpoint's own origin gave."""
    if card.status not in (Status.FOUND, Status.NOT_FOUND):
        return False
    return card.redirected_to is None or same_origin(card.redirected_to, endpoint)


def same_origin(url: str, other: str) -> bool:
    """Whether both URLs have the same scheme, host and (default-filled) port."""
    return _origin(url) is not None and _origin(url) == _origin(other)


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def read_cache(path: Path) -> CacheEntries:
    """Cached cards by URL with their fetch time; a missing or corrupt file is empty."""
    try:
        data = load_json(path.read_text(encoding="utf-8"))
    except (OSError, RecursionError, ValueError):
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
    """One cache entry, or None unless every field has the type and shape the writer gives."""
    if not isinstance(raw, dict) or not _safe_text(url, limit=4096):
        return None
    fetched, status, name = raw.get("fetched"), raw.get("status"), raw.get("license_name")
    licenses, bases = raw.get("licenses"), raw.get("base_models")
    if isinstance(fetched, bool) or not isinstance(fetched, (int, float)):
        return None
    if not math.isfinite(fetched) or status not in ("found", "not-found"):
        return None
    if name is not None and not (isinstance(name, str) and _safe_text(name)):
        return None
    if not _value_list(licenses) or not _value_list(bases):
        return None
    if status == "not-found" and (licenses or bases or name is not None):
        return None
    card = HubCard(url, Status(status), tuple(licenses), name, tuple(bases))
    return float(fetched), replace(card, problem="HTTP 404" if status == "not-found" else None)


def _value_list(value: object) -> TypeGuard[list[str]]:
    """A list of at most MAX_VALUES safe strings, as parse_card lets through."""
    return (
        isinstance(value, list)
        and len(value) <= MAX_VALUES
        and all(isinstance(item, str) and _safe_text(item) for item in value)
    )


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
