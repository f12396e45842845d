"""hub.py against hostile answers, from local HTTP servers on 127.0.0.1 only (never the network).

Slow drips, redirects to other schemes and hosts, redirect chains, deeply nested JSON,
escape sequences in license values, oversized bodies, 5xx answers and poisoned cache entries.
Every server thread ends by itself: drips are bounded loops that also stop at teardown.
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import license_db
from scanner.context import RepoContext
from scanner.resolve import hub
from scanner.resolve.database import resolve
from scanner.resolve.hub import HubCard, HubClient, HubSettings, Status
from scanner.resolve.hub import card as hub_card
from scanner.resolve.hub import transport as hub_transport
from scanner.types import ModelRef, RefKind, Resolved, SourceKind, Unknown

DB = license_db.load()
UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
DRIP = 0.3  # seconds between bytes of a slow drip
BUDGET = 1.0  # the client's total timeout in the deadline tests

Route = Callable[[BaseHTTPRequestHandler, "LocalHub"], None]


@dataclass
class LocalHub:
    """One local server: routes by path, every request recorded as (path, Authorization)."""

    endpoint: str
    stop: threading.Event
    routes: dict[str, Route] = field(default_factory=dict)
    prefixes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.endpoint}{path}"

    def settings(self, token: str | None = None, timeout: float = BUDGET) -> HubSettings:
        return HubSettings(endpoint=self.endpoint, token=token, timeout=timeout)

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def route(self, path: str) -> Route:
        if path in self.routes:
            return self.routes[path]
        for prefix, route in self.prefixes.items():
            if path.startswith(prefix):
                return route
        return answer(404, {"error": "Repository not found"})


@pytest.fixture
def servers() -> Iterator[Callable[[], LocalHub]]:
    """A factory of local servers, all shut down (and their drips stopped) at teardown."""
    stop = threading.Event()
    running: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start() -> LocalHub:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler())
        server.daemon_threads = True
        local = LocalHub(f"http://127.0.0.1:{server.server_address[1]}", stop)
        server.local = local  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        running.append((server, thread))
        return local

    try:
        yield start
    finally:
        stop.set()
        for server, thread in running:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _handler() -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            local: LocalHub = self.server.local  # type: ignore[attr-defined]
            local.requests.append((self.path, self.headers.get("Authorization")))
            with contextlib.suppress(OSError):  # the client gave up
                local.route(self.path)(self, local)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def hub_server(servers: Callable[[], LocalHub]) -> LocalHub:
    return servers()


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real proxy, token, endpoint or user cache leaks into a test."""
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "MLG_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


# -- routes ------------------------------------------------------------------------------------


def card(**card_data: object) -> dict[str, object]:
    return {"id": "x", "cardData": card_data, "tags": []}


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    if "Content_Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        if value:
            handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def answer(status: int, value: object) -> Route:
    body = value.encode() if isinstance(value, str) else json.dumps(value).encode()
    return lambda handler, _: send(handler, status, body)


def redirect(location: str, status: int = 302) -> Route:
    return lambda handler, _: send(handler, status, b"", Location=location)


def raw(data: bytes) -> Route:
    def route(handler: BaseHTTPRequestHandler, _: LocalHub) -> None:
        handler.wfile.write(data)

    return route


def drip(data: bytes, *, limit: int = 20, interval: float = DRIP) -> Route:
    """Write ``data`` one byte every ``interval`` s: at most ``limit`` bytes, stops at teardown."""

    def route(handler: BaseHTTPRequestHandler, local: LocalHub) -> None:
        for byte in data[:limit]:
            if local.stop.is_set():
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            local.stop.wait(interval)

    return route


def drip_body(handler: BaseHTTPRequestHandler, local: LocalHub) -> None:
    """Headers at once (a 1000-byte JSON body announced), then the body one byte at a time."""
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.flush()
    drip(b" " * 1000)(handler, local)


def delayed(route: Route, seconds: float) -> Route:
    def wrapped(handler: BaseHTTPRequestHandler, local: LocalHub) -> None:
        local.stop.wait(seconds)
        route(handler, local)

    return wrapped


def lookup(local: LocalHub, repo_id: str, **settings: object) -> HubCard:
    return hub.fetch_card(local.settings(**settings), repo_id)  # type: ignore[arg-type]


def unknown(raw_id: str) -> Resolved:
    ref = ModelRef("app.py", 1, 1, RefKind.HUGGINGFACE, raw_id, "py.test", SourceKind.PYTHON)
    resolved = resolve(ref, DB, RepoContext(Path(".")))
    assert isinstance(resolved, Unknown), resolved
    return resolved


def printable(text: str) -> bool:
    return not any(unicodedata.category(ch) in UNSAFE for ch in text)


# -- 1. a total deadline per lookup ------------------------------------------------------------


def test_slow_drip_body_fails_at_the_total_deadline(hub_server: LocalHub) -> None:
    hub_server.routes["/api/models/acme/drip"] = drip_body  # 20 bytes, 6 s in all
    started = time.monotonic()
    result = lookup(hub_server, "acme/drip")
    elapsed = time.monotonic() - started
    assert (result.status, result.problem) == (Status.FAILED, f"timed out after {BUDGET:g} s")
    assert elapsed < 2.5, elapsed  # per-read timeouts alone would wait for the whole drip


def test_slow_drip_status_line_fails_at_the_total_deadline(hub_server: LocalHub) -> None:
    hub_server.routes["/api/models/acme/drip"] = drip(b"HTTP/1.0 200 OK\r\nContent-Length: 2")
    started = time.monotonic()
    result = lookup(hub_server, "acme/drip")
    elapsed = time.monotonic() - started
    assert (result.status, result.problem) == (Status.FAILED, f"timed out after {BUDGET:g} s")
    assert elapsed < 2.5, elapsed


def test_deadline_covers_the_whole_redirect_chain(hub_server: LocalHub) -> None:
    for hop in range(4):  # each hop well inside the budget, the chain not
        hub_server.routes[f"/hop/{hop}"] = delayed(redirect(f"/hop/{hop + 1}"), 0.4)
    hub_server.routes["/hop/4"] = answer(200, card(license="mit"))
    hub_server.routes["/api/models/acme/chain"] = redirect("/hop/0")
    started = time.monotonic()
    result = lookup(hub_server, "acme/chain")
    assert (result.status, result.problem) == (Status.FAILED, f"timed out after {BUDGET:g} s")
    assert time.monotonic() - started < 2.0


def test_connect_is_bounded_by_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    timeouts: list[float | None] = []

    def refuse(address: object, timeout: float | None = None, *args: object) -> socket.socket:
        timeouts.append(timeout)
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", refuse)
    result = hub.fetch_card(HubSettings("http://127.0.0.1:9", timeout=BUDGET), "acme/x")
    assert (result.status, result.problem) == (Status.FAILED, f"timed out after {BUDGET:g} s")
    assert len(timeouts) == 1 and timeouts[0] is not None and 0 < timeouts[0] <= BUDGET


def test_an_answer_inside_the_deadline_still_resolves(hub_server: LocalHub) -> None:
    hub_server.routes["/api/models/acme/ok"] = delayed(answer(200, card(license="mit")), 0.2)
    assert lookup(hub_server, "acme/ok").licenses == ("mit",)


# -- 2. redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("data:application/json,%7B%7D", "data"),
        ("FTP://127.0.0.1:{ftp}/models/x", "ftp"),
        ("gopher://127.0.0.1:{ftp}/x", "gopher"),
        ("javascript:alert(1)", "javascript"),
    ],
)
def test_redirect_to_a_non_http_scheme_is_refused(
    hub_server: LocalHub, location: str, scheme: str
) -> None:
    with socket.socket() as listener:  # an "FTP server": it must never be connected to
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        ftp_port = listener.getsockname()[1]
        target = location.format(ftp=ftp_port)
        hub_server.routes["/api/models/acme/moved"] = redirect(target)
        result = lookup(hub_server, "acme/moved")
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert (result.status, result.problem) == (
        Status.FAILED,
        f"a redirect to a {scheme}: URL is refused: only http(s) redirects are followed",
    )


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_token_never_follows_a_redirect_to_another_host(
    servers: Callable[[], LocalHub], status: int
) -> None:
    endpoint, elsewhere = servers(), servers()
    target = elsewhere.url("/api/models/acme/moved")
    endpoint.routes["/api/models/acme/moved"] = redirect(target, status)
    elsewhere.routes["/api/models/acme/moved"] = answer(200, card(license="mit"))
    result = lookup(endpoint, "acme/moved", token="hf_secret")
    assert (result.status, result.licenses, result.redirected_to) == (
        Status.FOUND,
        ("mit",),
        target,
    )
    assert endpoint.requests == [("/api/models/acme/moved", "Bearer hf_secret")]
    assert elsewhere.requests == [("/api/models/acme/moved", None)]


def test_redirects_are_bounded(hub_server: LocalHub) -> None:
    def onward(handler: BaseHTTPRequestHandler, _: LocalHub) -> None:
        hop = int(handler.path.rsplit("/", 1)[1])
        send(handler, 302, b"", Location=f"/hop/{hop + 1}")

    hub_server.prefixes["/hop/"] = onward
    hub_server.routes["/api/models/acme/loop"] = redirect("/hop/1")
    result = lookup(hub_server, "acme/loop")
    assert (result.status, result.problem) == (
        Status.FAILED,
        f"more than {hub.MAX_REDIRECTS} redirects",
    )
    assert len(hub_server.requests) == hub.MAX_REDIRECTS + 1


def test_a_redirect_loop_ends_at_the_bound(hub_server: LocalHub) -> None:
    hub_server.routes["/api/models/acme/loop"] = redirect("/api/models/acme/loop", 307)
    result = lookup(hub_server, "acme/loop")
    assert (result.status, result.problem) == (
        Status.FAILED,
        f"more than {hub.MAX_REDIRECTS} redirects",
    )
    assert hub_server.paths == ["/api/models/acme/loop"] * (hub.MAX_REDIRECTS + 1)


@pytest.mark.parametrize(
    ("source", "location", "problem"),
    [
        ("https://hub.test/api/models/a/b", "http://hub.test/x", "from https to http"),
        ("https://hub.test/api/models/a/b", "//evil.test/x", None),  # same scheme: followed
        ("http://hub.test/api/models/a/b", "https://hub.test/x", None),
        ("http://hub.test/api/models/a/b", "/api/models/a/c", None),
        ("http://hub.test/api/models/a/b", "http://[::1/x", "invalid URL"),
        ("http://hub.test/api/models/a/b", "file:/etc/passwd", "file: URL is refused"),
    ],
)
def test_redirect_problem(source: str, location: str, problem: str | None) -> None:
    found = hub.redirect_problem(source, location)
    assert found is None if problem is None else (found is not None and problem in found)


# -- 3. depth-safe JSON ------------------------------------------------------------------------

DEEP = f"the answer is not valid JSON: nested too deeply (over {hub.MAX_JSON_DEPTH} levels)"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        "[" * 5_000 + "]" * 5_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        '{"cardData": {"license": "mit", "x": ' + "[" * 150 + "]" * 150 + "}}",
    ],
    ids=["unclosed", "closed-arrays", "closed-objects", "deep-inside-a-card"],
)
def test_deeply_nested_json_is_a_failed_card_not_a_crash(
    hub_server: LocalHub, tmp_path: Path, body: str
) -> None:
    hub_server.routes["/api/models/acme/deep"] = answer(200, body)
    cache = tmp_path / "hub.json"
    [resolved] = hub.resolve_unknowns(
        [unknown("acme/deep")], DB, HubClient(hub_server.settings(), cache)
    )
    result = hub.fetch_card(hub_server.settings(), "acme/deep")
    assert (result.status, result.problem) == (Status.FAILED, DEEP)
    assert isinstance(resolved, Unknown)
    assert resolved.reason.endswith(f"hub lookup failed: {DEEP} ({result.url})")
    assert not cache.exists()


def test_brackets_and_escaped_quotes_inside_strings_are_not_nesting(hub_server: LocalHub) -> None:
    noise = "[" * 5_000 + '\\"' + "{" * 5_000 + "\\\\"
    hub_server.routes["/api/models/acme/noisy"] = answer(200, card(license="mit", note=noise))
    assert lookup(hub_server, "acme/noisy").licenses == ("mit",)


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('[[["a[[["]]]', 3),
        ('["\\\\"]', 1),  # an escaped backslash does not escape the closing quote
        ('["\\"[[["]', 1),  # an escaped quote does not close the string
        ('{"a": {"b": ["\\\\\\"{{{"]}}', 3),
        ('"[[[["', 0),
    ],
)
def test_json_depth(text: str, depth: int) -> None:
    assert hub.json_depth(text) == depth


def test_any_other_parsing_exception_is_a_failed_card(
    hub_server: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> object:
        raise MemoryError

    hub_server.routes["/api/models/acme/x"] = answer(200, card(license="mit"))
    monkeypatch.setattr(hub_card.json, "loads", boom)
    result = lookup(hub_server, "acme/x")
    assert (result.status, result.problem) == (
        Status.FAILED,
        "the answer is not JSON (MemoryError)",
    )


def test_deeply_nested_cache_file_is_ignored(hub_server: LocalHub, tmp_path: Path) -> None:
    cache = tmp_path / "hub.json"
    cache.write_text("[" * 100_000, encoding="utf-8")
    hub_server.routes["/api/models/acme/x"] = answer(200, card(license="mit"))
    assert HubClient(hub_server.settings(), cache).cards(["acme/x"])["acme/x"].licenses == ("mit",)


# -- 4. caching --------------------------------------------------------------------------------


def cached_twice(local: LocalHub, cache: Path, repo_id: str) -> HubCard:
    HubClient(local.settings(), cache).cards([repo_id])
    return HubClient(local.settings(), cache).cards([repo_id])[repo_id]


@pytest.mark.parametrize("status", [200, 404])
def test_answer_redirected_to_another_origin_is_not_cached(
    servers: Callable[[], LocalHub], tmp_path: Path, status: int
) -> None:
    endpoint, elsewhere = servers(), servers()
    endpoint.routes["/api/models/acme/moved"] = redirect(elsewhere.url("/api/models/acme/x"))
    elsewhere.routes["/api/models/acme/x"] = answer(status, card(license="mit"))
    cache = tmp_path / "hub.json"
    second = cached_twice(endpoint, cache, "acme/moved")
    assert second.status is (Status.FOUND if status == 200 else Status.NOT_FOUND)
    assert elsewhere.paths == ["/api/models/acme/x"] * 2  # asked again: nothing was cached
    assert not cache.exists()


def test_answer_redirected_within_the_endpoint_is_cached_under_the_request_url(
    hub_server: LocalHub, tmp_path: Path
) -> None:
    hub_server.routes["/api/models/acme/old-name"] = redirect("/api/models/acme/new-name", 301)
    hub_server.routes["/api/models/acme/new-name"] = answer(200, card(license="mit"))
    cache = tmp_path / "hub.json"
    second = cached_twice(hub_server, cache, "acme/old-name")
    assert second.licenses == ("mit",)
    assert hub_server.paths == ["/api/models/acme/old-name", "/api/models/acme/new-name"]
    assert list(hub.read_cache(cache)) == [hub_server.url("/api/models/acme/old-name")]


@pytest.mark.parametrize(
    ("url", "other", "same"),
    [
        ("http://h:80/a", "http://H/b", True),
        ("https://h/a", "https://h:443", True),
        ("http://h:8080/a", "http://h:8081/a", False),
        ("http://h/a", "https://h/a", False),
        ("http://h/a", "http://h.evil/a", False),
        ("http://h:bad/a", "http://h:bad/a", False),
        ("file:///a", "file:///a", False),
    ],
)
def test_same_origin(url: str, other: str, same: bool) -> None:
    assert hub.same_origin(url, other) is same


GOOD_ENTRY: dict[str, object] = {
    "fetched": 5.0,
    "status": "found",
    "licenses": ["apache-2.0"],
    "license_name": None,
    "base_models": [],
}


@pytest.mark.parametrize(
    "change",
    [
        {"licenses": ["mit\x1b[2J"]},
        {"licenses": ["mit\r\nFAKE: pass"]},
        {"licenses": ["mit\x9b31m"]},
        {"licenses": ["mit\u202e"]},
        {"licenses": [""]},
        {"licenses": ["x"] * (hub.MAX_VALUES + 1)},
        {"licenses": ["a" * (hub.MAX_VALUE_CHARS + 1)]},
        {"licenses": "mit"},
        {"license_name": "deep\x1bseek"},
        {"license_name": 7},
        {"base_models": ["acme/base\x07"]},
        {"base_models": None},
        {"status": "denied"},
        {"status": "FOUND"},
        {"status": "not-found"},  # a 404 entry with licenses
        {"fetched": True},
        {"fetched": math.nan},
        {"fetched": math.inf},
        {"fetched": "5"},
    ],
)
def test_cache_entries_are_validated_when_read(
    hub_server: LocalHub, tmp_path: Path, change: dict[str, object]
) -> None:
    hub_server.routes["/api/models/acme/x"] = answer(200, card(license="mit"))
    url = hub_server.url("/api/models/acme/x")
    cache = tmp_path / "hub.json"
    entry = {**GOOD_ENTRY, **change}
    cache.write_text(json.dumps({"version": 1, "entries": {url: entry}}), encoding="utf-8")
    client = HubClient(hub_server.settings(), cache, clock=lambda: 10.0)
    assert client.cards(["acme/x"])["acme/x"].licenses == ("mit",)  # asked, not the entry
    assert hub_server.paths == ["/api/models/acme/x"]


def test_a_valid_cache_entry_is_still_used(hub_server: LocalHub, tmp_path: Path) -> None:
    url = hub_server.url("/api/models/acme/x")
    cache = tmp_path / "hub.json"
    cache.write_text(json.dumps({"version": 1, "entries": {url: GOOD_ENTRY}}), encoding="utf-8")
    client = HubClient(hub_server.settings(), cache, clock=lambda: 10.0)
    assert client.cards(["acme/x"])["acme/x"].licenses == ("apache-2.0",)
    assert hub_server.requests == []


def test_cache_entry_with_an_unsafe_url_key_is_dropped(tmp_path: Path) -> None:
    cache = tmp_path / "hub.json"
    entries = {"http://h/api/models/a/b\x1b[2J": GOOD_ENTRY, "http://h/api/models/a/c": GOOD_ENTRY}
    cache.write_text(json.dumps({"version": 1, "entries": entries}), encoding="utf-8")
    assert list(hub.read_cache(cache)) == ["http://h/api/models/a/c"]


# -- 5. escape sequences in license values ------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (card(license="mit\x1b[31m"), "license"),
        (card(license=["mit", "apache-2.0\r\nverdict: pass"]), "license"),
        (card(license="mit\x9b2J"), "license"),  # C1 CSI
        (card(license="mit\x00"), "license"),
        (card(license="\u202eetisoppo"), "license"),  # bidi override
        (card(license="m\u200bit"), "license"),  # zero width space
        (card(license="mit\u2028x"), "license"),
        ({"id": "x", "tags": ["license:mit\x07"]}, "license"),
        (card(license="other", license_name="deep\x1b]0;title\x07seek"), "license_name"),
        (card(base_model="meta-llama/Llama-3.1-8B\x1b[8m"), "base_model"),
        ({"id": "x", "tags": ["base_model:finetune:org/x\x1bc"]}, "base_model"),
    ],
)
def test_control_characters_in_license_values_fail_the_card(
    hub_server: LocalHub, tmp_path: Path, data: dict[str, object], label: str
) -> None:
    hub_server.routes["/api/models/acme/x"] = answer(200, data)
    result = lookup(hub_server, "acme/x")
    assert (result.status, result.problem) == (
        Status.FAILED,
        f"the answer's {label} contains control or invisible formatting characters",
    )
    assert (result.licenses, result.license_name, result.base_models) == ((), None, ())
    cache = tmp_path / "hub.json"
    [resolved] = hub.resolve_unknowns(
        [unknown("acme/x")], DB, HubClient(hub_server.settings(), cache)
    )
    assert isinstance(resolved, Unknown) and printable(resolved.reason), resolved
    assert not cache.exists()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (card(license="a" * 300), f"the answer's license is over {hub.MAX_VALUE_CHARS} characters"),
        (
            card(base_model=[f"org/m{i}" for i in range(hub.MAX_VALUES + 1)]),
            f"the answer has over {hub.MAX_VALUES} base_model values",
        ),
    ],
)
def test_overlong_license_values_fail_the_card(
    hub_server: LocalHub, data: dict[str, object], problem: str
) -> None:
    hub_server.routes["/api/models/acme/x"] = answer(200, data)
    assert (lookup(hub_server, "acme/x").status, lookup(hub_server, "acme/x").problem) == (
        Status.FAILED,
        problem,
    )


def test_surrounding_whitespace_is_stripped_not_refused(hub_server: LocalHub) -> None:
    hub_server.routes["/api/models/acme/x"] = answer(200, card(license="mit\r\n"))
    assert lookup(hub_server, "acme/x").licenses == ("mit",)


def test_escape_sequences_in_a_broken_answer_are_escaped_in_the_problem(
    hub_server: LocalHub,
) -> None:
    hub_server.routes["/api/models/acme/x"] = raw(b"HTTP/1.1 2\x1b[31m00 OK\r\n\r\n")
    result = lookup(hub_server, "acme/x")
    assert result.status is Status.FAILED and result.problem is not None
    assert printable(result.problem) and "\\x1b[31m" in result.problem


# -- 6. size cap and 5xx -----------------------------------------------------------------------


def chunked(body: bytes) -> Route:
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in [body[:3000], body[3000:]])
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    return raw(head + encoded + b"0\r\n\r\n")


def unsized(body: bytes) -> Route:
    return lambda handler, _: send(handler, 200, body, Content_Length="")


BIG = json.dumps(card(license="mit", pad="x" * 5_000)).encode()


@pytest.mark.parametrize(
    "route",
    [
        lambda: lambda handler, _: send(handler, 200, BIG),
        lambda: unsized(BIG),
        lambda: chunked(BIG),
    ],
    ids=["content-length", "until-close", "chunked"],
)
def test_answer_over_the_size_cap_is_a_failed_card(
    hub_server: LocalHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    route: Callable[[], Route],
) -> None:
    monkeypatch.setattr(hub_transport, "MAX_ANSWER_BYTES", 1_000)
    hub_server.routes["/api/models/acme/big"] = route()
    cache = tmp_path / "hub.json"
    result = cached_twice(hub_server, cache, "acme/big")
    assert (result.status, result.problem) == (Status.FAILED, "answer over 1,000 bytes")
    assert len(hub_server.requests) == 2 and not cache.exists()


def test_answer_exactly_at_the_size_cap_is_read(
    hub_server: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps(card(license="mit")).encode()
    body += b" " * (1_000 - len(body))
    monkeypatch.setattr(hub_transport, "MAX_ANSWER_BYTES", 1_000)
    hub_server.routes["/api/models/acme/x"] = unsized(body)
    assert lookup(hub_server, "acme/x").licenses == ("mit",)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_answers_fail_and_are_never_cached(
    hub_server: LocalHub, tmp_path: Path, status: int
) -> None:
    hub_server.routes["/api/models/acme/x"] = answer(status, card(license="mit"))
    cache = tmp_path / "hub.json"
    result = cached_twice(hub_server, cache, "acme/x")
    assert (result.status, result.problem) == (Status.FAILED, f"HTTP {status}")
    assert hub_server.paths == ["/api/models/acme/x"] * 2
    assert not cache.exists()
