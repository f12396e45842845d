"""Safety proofs: a scan never runs the scanned code, never writes into the repository, and
without ``--hub`` never opens a socket. Each is checked on a real CLI run where it can be.

The hostile repository plants a module under every name Python might import from the current
folder (``sitecustomize``, ``setup``, ``conftest``, packages named after the standard library
and the scanner's dependencies, ``multiprocessing`` for worker processes started in that
folder); each writes a marker outside the repository when imported. Enough files to start the
worker pool and a file of invalid syntax (parsed in a child process) are part of it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner import scan
from scanner.cli import main
from scanner.report import FORMATS
from scanner.report import json as json_format

PLANT = """\
import pathlib
pathlib.Path({marker!r}, {name!r}.replace("/", "_")).write_text("imported")
"""
PLANTED = (
    "setup.py",
    "conftest.py",
    "sitecustomize.py",
    "usercustomize.py",
    "__init__.py",
    "__main__.py",
    "pkg/__init__.py",
    "pkg/models.py",
    "yaml.py",
    "json.py",
    "tomllib.py",
    "libcst/__init__.py",
    "multiprocessing/__init__.py",
    "concurrent/__init__.py",
    "scanner/__init__.py",
    "license_db/__init__.py",
)
LOADER = "from transformers import AutoModel\n"
USES = LOADER + "from pkg.models import NAME\nAutoModel.from_pretrained(NAME)\n"
MODEL = "CohereForAI/c4ai-command-r-v01"
FILES = {
    "pkg/models.py": f'NAME = "{MODEL}"\n',
    "app.py": USES,
    "broken.py": LOADER + f'AutoModel.from_pretrained("{MODEL}")\ndef broken(:\n',
    ".hidden/config.yaml": f"base_model: {MODEL}\n",
    "notebook.ipynb": json.dumps(
        {
            "cells": [
                {"cell_type": "code", "source": [LOADER, f'AutoModel.from_pretrained("{MODEL}")']}
            ]
        }
    ),
    **{f"many/m{i:02}.py": USES for i in range(scan.PARALLEL_THRESHOLD + 4)},
}
CLI = Path(sys.executable).with_name("model-license-guard")


def plant(root: Path, markers: Path) -> Path:
    """A hostile repository at ``root`` whose modules write into ``markers`` when imported."""
    markers.mkdir()
    for name in PLANTED:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(PLANT.format(marker=str(markers), name=name), encoding="utf-8")
    for name, text in FILES.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        extra = target.read_text(encoding="utf-8") if target.exists() else ""
        target.write_text(extra + text, encoding="utf-8")
    return root


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    root.mkdir()
    return plant(root, tmp_path / "markers"), tmp_path / "markers"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a real run: no Python path or start-up file of the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "HF_", "MLG_"))}
    return {**env, **extra}


SPAWNING = """\
import multiprocessing, sys
multiprocessing.set_start_method(sys.argv[1])
from scanner.cli import main
raise SystemExit(main(sys.argv[2:]))
"""
"""A front end whose default start method is spawn or forkserver (macOS, Windows, Python 3.14
on Linux): workers the scan starts must not begin as ``python -c`` in the scanned folder."""


def commands(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """The ways a user or a hook starts a scan, each as (id, argv) run in the repository."""
    args = ["scan", "--format", "json", "--jobs", "2", "--root", "."]
    yield "console script", [str(CLI), *args]
    yield "python -I -m scanner", [sys.executable, "-I", "-m", "scanner", *args]
    driver = tmp_path / "driver.py"
    driver.write_text(SPAWNING, encoding="utf-8")
    for method in ("spawn", "forkserver"):
        yield f"{method} by default", [sys.executable, str(driver), method, *args]


@pytest.mark.parametrize("index", range(4), ids=["script", "isolated", "spawn", "forkserver"])
def test_scanned_code_is_never_imported_or_run(
    hostile: tuple[Path, Path], tmp_path: Path, index: int
) -> None:
    root, markers = hostile
    _, argv = list(commands(tmp_path))[index]
    done = subprocess.run(
        argv, cwd=root, env=clean_env(),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert sorted(p.name for p in markers.iterdir()) == [], done.stderr[-2000:]
    assert done.returncode == 1, done.stderr[-2000:]
    report = json.loads(done.stdout)
    paths = {f["path"] for f in report["findings"] if f["model"] == MODEL}
    assert {"app.py", "broken.py", "notebook.ipynb", "many/m00.py"} <= paths
    assert {".hidden/config.yaml"} <= paths


# -- a scan writes nothing inside the repository -------------------------------------------


def listing(root: Path) -> dict[str, tuple[str, int, str]]:
    """Every entry below ``root``, hidden ones and .git included: (type, mode, content hash)."""
    entries: dict[str, tuple[str, int, str]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            rel = path.relative_to(root).as_posix()
            if stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                entries[rel] = ("file", info.st_mode, digest)
            elif stat.S_ISLNK(info.st_mode):
                entries[rel] = ("link", info.st_mode, os.readlink(path))
            else:
                entries[rel] = ("folder", info.st_mode, "")
    return entries


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_scan_writes_nothing_inside_the_repository(
    hostile: tuple[Path, Path], tmp_path: Path
) -> None:
    root, _ = hostile
    (root / ".cache").mkdir()
    (root / ".tmp").mkdir()
    (root / "__pycache__").mkdir()
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    before = listing(root)
    cached = {  # every place a cache could default to points into the repository
        "HOME": str(root),
        "XDG_CACHE_HOME": str(root / ".cache"),
        "TMPDIR": str(root / ".tmp"),
        "PYTHONDONTWRITEBYTECODE": "",
    }
    env = clean_env(**cached, HF_ENDPOINT="http://127.0.0.1:9")
    for args in (["scan", "--format", "sarif"], ["scan", "--hub"], ["obligations"]):
        done = subprocess.run(
            [str(CLI), *args, "--jobs", "2"], cwd=root, env=env, capture_output=True, check=False
        )
        assert done.returncode in (0, 1), (args, done.stderr[-2000:])
    assert listing(root) == before


# -- without --hub no socket is opened -------------------------------------------------------


class SocketOpened(AssertionError):
    """A socket call the scan must not make."""


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way to open a socket or resolve a name fails and is recorded (forked workers
    inherit the patch; their failure would be an internal error)."""
    calls: list[str] = []
    importlib.import_module("ssl")  # subclasses socket.socket: imported (lazily, by --hub) before
    importlib.import_module("http.client")  # the patch replaces the class with a function

    def refuse(name: str) -> object:
        def refused(*args: object, **kwargs: object) -> object:
            calls.append(name)
            raise SocketOpened(f"socket.{name} called")

        return refused

    for name in ("socket", "create_connection", "getaddrinfo", "socketpair", "fromfd"):
        monkeypatch.setattr(socket, name, refuse(name))
    return calls


def test_a_scan_without_hub_opens_no_socket(
    hostile: tuple[Path, Path], no_sockets: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = hostile
    code = main(["scan", "--root", str(root), "--format", "json", "--jobs", "2"])
    captured = capsys.readouterr()
    report = json_format.load(captured.out)
    rendered = {name: render(report) for name, render in FORMATS.items()}
    assert no_sockets == []
    assert code == 1, captured.err[-2000:]
    assert [e.path for e in report.errors] == ["broken.py"]  # its syntax error, nothing internal
    assert not any(e.internal for e in report.errors)
    assert all(MODEL in text for text in rendered.values())


def test_the_socket_patch_catches_the_hub_client(
    hostile: tuple[Path, Path],
    no_sockets: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, _ = hostile
    (root / "hub.py").write_text(LOADER + 'AutoModel.from_pretrained("acme/unknown")\n')
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("MLG_HUB_CACHE", str(root.parent / "cache"))
    main(["scan", "--root", str(root), "--format", "json", "--jobs", "1", "--hub"])
    capsys.readouterr()
    assert no_sockets != []


UNSHARE = shutil.which("unshare")


def _unshare_works() -> bool:
    if UNSHARE is None:
        return False
    done = subprocess.run([UNSHARE, "-rn", "true"], capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare -rn (user and network namespaces)")
def test_a_scan_runs_in_a_network_namespace_without_interfaces(
    hostile: tuple[Path, Path],
) -> None:
    root, markers = hostile
    argv = [str(UNSHARE), "-rn", str(CLI), "scan", "--format", "json", "--root", "."]
    done = subprocess.run(
        argv, cwd=root, env=clean_env(), capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert MODEL in {f["model"] for f in json.loads(done.stdout)["findings"]}
    assert list(markers.iterdir()) == []
