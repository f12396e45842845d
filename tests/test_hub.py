"""hub.py: the opt-in Hub fallback against a local HTTP server (never the network)."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import license_db
from license_db.schema import Rule
from scanner.cli import main
from scanner.context import RepoContext
from scanner.resolve import hub
from scanner.resolve.database import resolve
from scanner.resolve.hub import HubClient, HubSettings, Status
from scanner.types import Known, ModelRef, RefKind, Resolved, SourceKind, Unknown

DB = license_db.load()
DB_REASON = "no huggingface entry, alias, family rule or base model in the bundled database"
TIMEOUT = 0.3  # the client's timeout in these tests; the slow route answers far later


def card(**card_data: object) -> dict[str, object]:
    return {"id": "x", "cardData": card_data, "tags": []}


ROUTES: dict[str, tuple[int, object]] = {
    "acme/apache-model": (200, card(license="apache-2.0")),
    "acme/tagged-only": (200, {"id": "x", "tags": ["text-generation", "license:mit"]}),
    "acme/null-card": (200, {"id": "x", "cardData": None, "tags": ["license:cc-by-nc-4.0"]}),
    "acme/list-license": (200, card(license=["mit", "apache-2.0"])),
    "acme/other-named": (200, card(license="other", license_name="deepseek")),
    "acme/other-unnamed": (200, card(license="other")),
    "acme/other-custom": (200, card(license="other", license_name="acme-custom")),
    "acme/odd-license": (200, card(license="acme-proprietary-1.0")),
    "acme/widget-finetune": (200, card(base_model="meta-llama/Llama-3.1-8B")),
    "acme/base-list": (
        200,
        card(base_model=["meta-llama/Llama-3.1-8B", "mistralai/Mistral-7B-v0.1"]),
    ),
    "acme/base-tag": (
        200,
        {"id": "x", "tags": ["base_model:finetune:mistralai/Mistral-7B-v0.1"]},
    ),
    "acme/mystery-child": (200, card(base_model="acme/mystery-base")),
    "acme/declared-and-base": (
        200,
        card(license="mit", base_model="meta-llama/Llama-3.1-8B"),
    ),
    "acme/bare": (200, card()),
    "acme/odd-shapes": (200, {"cardData": "license: mit", "tags": 5}),
    "acme/empty-values": (200, card(license=["", 3], base_model=None, license_name=7)),
    "acme/private": (401, {"error": "Repository not found"}),
    "acme/forbidden": (403, {"error": "gated"}),
    "acme/broken": (500, {"error": "boom"}),
    "acme/malformed": (200, "{not json"),
    "acme/array": (200, ["license", "mit"]),
    "acme/slow": (200, card(license="mit")),
}


@dataclass
class FakeHub:
    """A local stand-in for the Hub: canned answers, every request recorded."""

    endpoint: str
    requests: list[tuple[str, str | None]] = field(default_factory=list)

    def settings(self, token: str | None = None) -> HubSettings:
        return HubSettings(endpoint=self.endpoint, token=token, timeout=TIMEOUT)

    def url(self, repo_id: str) -> str:
        return f"{self.endpoint}/api/models/{repo_id}"

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    release = threading.Event()
    requests: list[tuple[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append((self.path, self.headers.get("Authorization")))
            repo_id = self.path.removeprefix("/api/models/")
            status, body = ROUTES.get(repo_id, (404, {"error": "Repository not found"}))
            if repo_id == "acme/slow":
                release.wait(10 * TIMEOUT)
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout)
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield FakeHub(f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real proxy, token, endpoint or user cache leaks into a test."""
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "MLG_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # never huggingface.co by accident
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def ref(raw: str, kind: RefKind = RefKind.HUGGINGFACE, line: int = 1) -> ModelRef:
    return ModelRef("app.py", line, 1, kind, raw, "py.test", SourceKind.PYTHON)


def unknown(raw: str, kind: RefKind = RefKind.HUGGINGFACE, line: int = 1) -> Resolved:
    resolved = resolve(ref(raw, kind, line), DB, RepoContext(Path(".")))
    assert isinstance(resolved, Unknown), resolved
    return resolved


def summary(resolved: Resolved) -> tuple[object, ...]:
    """(license, rule, base_model, inferred, detail) for Known; ("unknown", reason) otherwise."""
    match resolved:
        case Known(match=m):
            return (m.license, m.rule, m.base_model, m.inferred, m.detail)
    assert isinstance(resolved, Unknown)
    return ("unknown", resolved.reason)


# -- resolution, one row per kind of Hub answer --------------------------------------------

KNOWN_ROWS = [
    ("acme/apache-model", "apache-2.0", None, "license: apache-2.0"),
    ("acme/tagged-only", "mit", None, "license: mit"),
    ("acme/null-card", "cc-by-nc-4.0", None, "license: cc-by-nc-4.0"),
    ("acme/list-license", "mit AND apache-2.0", None, "license: mit, apache-2.0"),
    ("acme/other-named", "deepseek", None, "license: other, license_name: deepseek"),
    ("acme/other-unnamed", "other", None, "license: other"),
    ("acme/declared-and-base", "mit", None, "license: mit"),
    (
        "acme/widget-finetune",
        "llama3.1",
        "meta-llama/Llama-3.1-8B",
        "no license; base_model: meta-llama/Llama-3.1-8B",
    ),
    (
        "acme/base-list",
        "llama3.1 AND apache-2.0",
        "meta-llama/Llama-3.1-8B, mistralai/Mistral-7B-v0.1",
        "no license; base_model: meta-llama/Llama-3.1-8B, mistralai/Mistral-7B-v0.1",
    ),
    (
        "acme/base-tag",
        "apache-2.0",
        "mistralai/Mistral-7B-v0.1",
        "no license; base_model: mistralai/Mistral-7B-v0.1",
    ),
]


@pytest.mark.parametrize(("repo_id", "license", "base", "label"), KNOWN_ROWS)
def test_hub_card_resolves_unknown_model(
    fake_hub: FakeHub, repo_id: str, license: str, base: str | None, label: str
) -> None:
    client = HubClient(fake_hub.settings())
    [resolved] = hub.resolve_unknowns([unknown(repo_id)], DB, client)
    url = fake_hub.url(repo_id)
    detail = f"Hugging Face Hub card metadata ({label}) at {url}"
    if base is not None:
        detail += "; " + "; ".join(f"base model {b} resolved by exact" for b in base.split(", "))
    assert summary(resolved) == (license, Rule.HUB, base, base is not None, detail)
    assert isinstance(resolved, Known)
    assert (resolved.match.source, resolved.match.tier, resolved.match.model_id) == (
        url,
        None,
        repo_id,
    )
    assert fake_hub.paths == [f"/api/models/{repo_id}"]


UNKNOWN_ROWS = [
    (
        "acme/other-custom",
        "the Hub card at {url} declares license: other, license_name: acme-custom, "
        "which the database does not know",
    ),
    (
        "acme/odd-license",
        "the Hub card at {url} declares license: acme-proprietary-1.0, "
        "which the database does not know",
    ),
    (
        "acme/mystery-child",
        "the Hub card at {url} declares no license, and its base model acme/mystery-base "
        "is not in the database",
    ),
    ("acme/bare", "the Hub card at {url} declares no license and no base_model"),
    ("acme/odd-shapes", "the Hub card at {url} declares no license and no base_model"),
    ("acme/empty-values", "the Hub card at {url} declares no license and no base_model"),
    ("acme/missing", "not on the Hugging Face Hub either ({url}: HTTP 404)"),
    (
        "acme/private",
        "the Hugging Face Hub refused access ({url}: HTTP 401): private, gated or missing "
        "repository; set HF_TOKEN to a token that can read it",
    ),
    (
        "acme/forbidden",
        "the Hugging Face Hub refused access ({url}: HTTP 403): private, gated or missing "
        "repository; set HF_TOKEN to a token that can read it",
    ),
    ("acme/broken", "hub lookup failed: HTTP 500 ({url})"),
    ("acme/malformed", "hub lookup failed: the answer is not JSON ({url})"),
    ("acme/array", "hub lookup failed: the answer is not a JSON object ({url})"),
    ("acme/slow", f"hub lookup failed: timed out after {TIMEOUT:g} s ({{url}})"),
]


@pytest.mark.parametrize(("repo_id", "why"), UNKNOWN_ROWS)
def test_hub_answer_that_does_not_resolve_stays_unknown_with_reason(
    fake_hub: FakeHub, repo_id: str, why: str
) -> None:
    client = HubClient(fake_hub.settings())
    [resolved] = hub.resolve_unknowns([unknown(repo_id)], DB, client)
    reason = f"{DB_REASON}; {why.format(url=fake_hub.url(repo_id))}"
    assert summary(resolved) == ("unknown", reason)
    assert fake_hub.paths == [f"/api/models/{repo_id}"]


def test_unreachable_endpoint_is_a_reason_not_a_crash() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HubClient(HubSettings(endpoint=f"http://127.0.0.1:{port}", timeout=TIMEOUT))
    [resolved] = hub.resolve_unknowns([unknown("acme/apache-model")], DB, client)
    assert isinstance(resolved, Unknown)
    prefix = f"{DB_REASON}; hub lookup failed: "
    assert resolved.reason.startswith(prefix)
    assert resolved.reason.endswith(f"(http://127.0.0.1:{port}/api/models/acme/apache-model)")


@pytest.mark.parametrize("endpoint", ["not-a-url", "file:///etc", "ftp://127.0.0.1"])
def test_non_http_endpoint_is_never_opened(endpoint: str) -> None:
    client = HubClient(HubSettings(endpoint=endpoint, timeout=TIMEOUT))
    [resolved] = hub.resolve_unknowns([unknown("acme/apache-model")], DB, client)
    assert summary(resolved) == (
        "unknown",
        f"{DB_REASON}; hub lookup failed: HF_ENDPOINT {endpoint!r} is not an http(s) URL "
        f"({endpoint}/api/models/acme/apache-model)",
    )


def test_only_unknown_hub_models_are_asked_each_once_in_order(fake_hub: FakeHub) -> None:
    known = resolve(ref("meta-llama/Llama-3.1-8B", line=1), DB, RepoContext(Path(".")))
    dataset = unknown("acme/apache-model", RefKind.DATASET, line=2)
    first = unknown("acme/tagged-only", line=3)
    again = unknown("acme/tagged-only", line=4)
    other = unknown("acme/apache-model", line=5)
    local = unknown("acme/tagged-only", RefKind.LOCAL, line=6)  # a folder, not the Hub
    results = hub.resolve_unknowns(
        [known, dataset, first, again, other, local], DB, HubClient(fake_hub.settings())
    )
    assert [(r.ref.line, summary(r)[0]) for r in results] == [
        (1, "llama3.1"),
        (2, "unknown"),
        (3, "mit"),
        (4, "mit"),
        (5, "apache-2.0"),
        (6, "unknown"),
    ]
    assert [results[0], results[1], results[5]] == [known, dataset, local]
    assert sorted(fake_hub.paths) == [
        "/api/models/acme/apache-model",
        "/api/models/acme/tagged-only",
    ]


def test_invalid_id_is_never_asked(fake_hub: FakeHub) -> None:
    client = HubClient(fake_hub.settings())
    cards = client.cards(["acme/x/y"])
    assert (cards["acme/x/y"].status, cards["acme/x/y"].problem) == (
        Status.INVALID,
        "'acme/x/y' is not a Hub repository id",
    )
    assert fake_hub.requests == []


def test_revision_and_url_forms_ask_for_the_plain_id(fake_hub: FakeHub) -> None:
    client = HubClient(fake_hub.settings())
    cards = client.cards(["https://huggingface.co/acme/apache-model", "acme/tagged-only@main"])
    assert [card.licenses for card in cards.values()] == [("apache-2.0",), ("mit",)]
    assert sorted(fake_hub.paths) == [
        "/api/models/acme/apache-model",
        "/api/models/acme/tagged-only",
    ]


@pytest.mark.parametrize(("token", "header"), [("secret", "Bearer secret"), (None, None)])
def test_token_is_sent_only_when_set(
    fake_hub: FakeHub, token: str | None, header: str | None
) -> None:
    HubClient(fake_hub.settings(token)).cards(["acme/apache-model"])
    assert fake_hub.requests == [("/api/models/acme/apache-model", header)]


# -- cache -----------------------------------------------------------------------------------


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_cache_answers_repeated_runs_without_asking(fake_hub: FakeHub, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "hub.json"
    first = hub.resolve_unknowns(
        [unknown("acme/widget-finetune")], DB, HubClient(fake_hub.settings(), cache)
    )
    second = hub.resolve_unknowns(
        [unknown("acme/widget-finetune")], DB, HubClient(fake_hub.settings(), cache)
    )
    assert first == second
    assert summary(second[0])[:4] == ("llama3.1", Rule.HUB, "meta-llama/Llama-3.1-8B", True)
    assert fake_hub.paths == ["/api/models/acme/widget-finetune"]
    assert sorted(p.name for p in cache.parent.iterdir()) == ["hub.json"]  # no temp file left


def test_cache_is_keyed_by_endpoint(fake_hub: FakeHub, tmp_path: Path) -> None:
    cache = tmp_path / "hub.json"
    HubClient(fake_hub.settings(), cache).cards(["acme/apache-model"])
    other = HubSettings(endpoint=fake_hub.endpoint + "/mirror", timeout=TIMEOUT)
    cards = HubClient(other, cache).cards(["acme/apache-model"])
    assert cards["acme/apache-model"].status is Status.NOT_FOUND  # the mirror path is a 404 here
    assert fake_hub.paths == [
        "/api/models/acme/apache-model",
        "/mirror/api/models/acme/apache-model",
    ]


@pytest.mark.parametrize(
    ("age", "asked_again"),
    [(0, False), (hub.TTL_SECONDS - 1, False), (hub.TTL_SECONDS + 1, True), (-60, True)],
)
def test_cache_entries_expire_after_ttl(
    fake_hub: FakeHub, tmp_path: Path, age: float, asked_again: bool
) -> None:
    cache = tmp_path / "hub.json"
    HubClient(fake_hub.settings(), cache, clock=Clock(1_000_000.0)).cards(["acme/apache-model"])
    later = HubClient(fake_hub.settings(), cache, clock=Clock(1_000_000.0 + age))
    assert later.cards(["acme/apache-model"])["acme/apache-model"].licenses == ("apache-2.0",)
    assert len(fake_hub.paths) == (2 if asked_again else 1)


@pytest.mark.parametrize(
    ("repo_id", "cached"),
    [
        ("acme/apache-model", True),
        ("acme/missing", True),  # 404: the answer is the answer
        ("acme/private", False),  # 401: a token may change it
        ("acme/broken", False),  # 500: try again next run
        ("acme/malformed", False),
        ("acme/slow", False),
    ],
)
def test_only_definite_answers_are_cached(
    fake_hub: FakeHub, tmp_path: Path, repo_id: str, cached: bool
) -> None:
    cache = tmp_path / "hub.json"
    for _ in range(2):
        HubClient(fake_hub.settings(), cache).cards([repo_id])
    assert fake_hub.paths == [f"/api/models/{repo_id}"] * (1 if cached else 2)
    assert cache.exists() is cached


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"version": 99, "entries": {}}',
        '{"version": 1, "entries": []}',
        '{"version": 1, "entries": {"URL": {"fetched": "yesterday", "status": "found"}}}',
        '{"version": 1, "entries": {"URL": {"fetched": 1, "status": "found", "licenses": [1], '
        '"license_name": null, "base_models": []}}}',
    ],
)
def test_corrupt_cache_is_ignored_and_rewritten(
    fake_hub: FakeHub, tmp_path: Path, content: str
) -> None:
    cache = tmp_path / "hub.json"
    url = fake_hub.url("acme/apache-model")
    cache.write_text(content.replace("URL", url), encoding="utf-8")
    client = HubClient(fake_hub.settings(), cache, clock=Clock(5.0))
    assert client.cards(["acme/apache-model"])["acme/apache-model"].licenses == ("apache-2.0",)
    assert fake_hub.paths == ["/api/models/acme/apache-model"]
    assert json.loads(cache.read_text(encoding="utf-8")) == {
        "version": 1,
        "entries": {
            url: {
                "fetched": 5.0,
                "status": "found",
                "licenses": ["apache-2.0"],
                "license_name": None,
                "base_models": [],
            }
        },
    }


def test_unwritable_cache_does_not_fail_the_lookup(fake_hub: FakeHub, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    client = HubClient(fake_hub.settings(), blocker / "hub.json")
    assert client.cards(["acme/apache-model"])["acme/apache-model"].licenses == ("apache-2.0",)


# -- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "offline"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("", False)],
)
def test_hf_hub_offline(value: str, offline: bool) -> None:
    assert hub.offline({"HF_HUB_OFFLINE": value}) is offline


@pytest.mark.parametrize(
    ("env", "settings"),
    [
        ({}, HubSettings("https://huggingface.co", None)),
        (
            {"HF_ENDPOINT": "http://127.0.0.1:9/", "HF_TOKEN": "hf_x"},
            HubSettings("http://127.0.0.1:9", "hf_x"),
        ),
        ({"HF_ENDPOINT": " ", "HF_TOKEN": ""}, HubSettings("https://huggingface.co", None)),
    ],
)
def test_settings_from_env(env: dict[str, str], settings: HubSettings) -> None:
    assert hub.settings_from_env(env) == settings


def test_cache_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    env = {"MLG_HUB_CACHE": "/m", "XDG_CACHE_HOME": "/x"}
    assert hub.cache_dir(env, Path("/o")) == Path("/o")
    assert hub.cache_dir(env) == Path("/m")
    assert hub.cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/model-license-guard")
    assert hub.cache_dir({}) == tmp_path / "home" / ".cache" / "model-license-guard"


# -- command line ----------------------------------------------------------------------------

APP = 'from transformers import AutoModel\nmodel = AutoModel.from_pretrained("acme/apache-model")\n'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(APP, encoding="utf-8")
    return root


def scan_json(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    code = main(["scan", str(repo), "--root", str(repo), "--format", "json", *extra])
    assert code == 0
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert isinstance(finding, dict)
    return finding


def test_cli_scan_hub_resolves_a_model_the_database_lacks(
    fake_hub: FakeHub,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.endpoint)
    before = scan_json(repo, capsys)
    assert (before["license"], before["rule"], fake_hub.requests) == (None, None, [])
    cache = tmp_path / "cache"
    after = scan_json(repo, capsys, "--hub", "--hub-cache", str(cache))
    resolution = after["resolution"]
    assert isinstance(resolution, dict)
    assert (after["model"], after["license"], after["rule"], after["verdict"]) == (
        "acme/apache-model",
        "apache-2.0",
        "hub",
        "pass",
    )
    assert resolution["source"] == fake_hub.url("acme/apache-model")
    assert fake_hub.paths == ["/api/models/acme/apache-model"]
    assert sorted(p.name for p in repo.iterdir()) == ["app.py"]  # nothing written in the repo
    assert (cache / "hub.json").is_file()
    scan_json(repo, capsys, "--hub", "--hub-cache", str(cache))
    assert len(fake_hub.requests) == 1  # the second run is answered by the cache


def test_cli_hub_cache_from_environment(
    fake_hub: FakeHub,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.endpoint)
    monkeypatch.setenv("MLG_HUB_CACHE", str(tmp_path / "env-cache"))
    assert scan_json(repo, capsys, "--hub")["rule"] == "hub"
    assert (tmp_path / "env-cache" / "hub.json").is_file()


def test_cli_hub_offline_asks_nothing(
    fake_hub: FakeHub,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.endpoint)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code = main(["scan", str(repo), "--root", str(repo), "--format", "json", "--hub"])
    out, err = capsys.readouterr()
    [finding] = json.loads(out)["findings"]
    assert (code, finding["license"], finding["rule"], fake_hub.requests) == (0, None, None, [])
    assert "model-license-guard: note: HF_HUB_OFFLINE is set: --hub is off\n" in err


def test_cli_hub_cache_inside_the_repository_is_not_written(
    fake_hub: FakeHub,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.endpoint)
    code = main(
        [
            "scan",
            str(repo),
            "--root",
            str(repo),
            "--format",
            "json",
            "--hub",
            "--hub-cache",
            str(repo / ".cache"),
        ]
    )
    out, err = capsys.readouterr()
    assert (code, json.loads(out)["findings"][0]["rule"]) == (0, "hub")
    assert "answers are not cached" in err
    assert sorted(p.name for p in repo.iterdir()) == ["app.py"]


def test_cli_explain_hub_shows_inferred_license(
    fake_hub: FakeHub,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.endpoint)
    argv = ["explain", "acme/widget-finetune", "--root", str(repo), "--json"]
    assert main([*argv, "--hub", "--hub-cache", str(tmp_path / "c")]) == 0
    data = json.loads(capsys.readouterr().out)
    resolution = data["resolution"]
    assert (data["license"], resolution["rule"], resolution["base_model"]) == (
        "llama3.1",
        "hub",
        "meta-llama/Llama-3.1-8B",
    )
    assert resolution["inferred"] is True
    assert "MDL013" in [reason["code"] for reason in data["reasons"]]
    assert main(argv) == 0  # without --hub: unknown, nothing asked
    assert json.loads(capsys.readouterr().out)["license"] is None
    assert fake_hub.paths == ["/api/models/acme/widget-finetune"]
    assert os.listdir(repo) == ["app.py"]
