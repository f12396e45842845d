"""Progress on stderr: files done / files, for long scans on a terminal only."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.find import isolate
from scanner.progress import ERASE_LINE, ProgressMeter, progress_meter


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        # (seconds since start, done, total)
        ([(0.5, 1, 10), (1.9, 5, 10), (2.0, 10, 10)], ""),  # over within 2 s: silent
        ([(2.5, 3, 10), (2.55, 4, 10), (2.7, 5, 10), (3.0, 10, 10)],
         "\rmodel-license-guard: 3/10 files\rmodel-license-guard: 5/10 files" + ERASE_LINE),
        ([(5.0, 1234, 5000), (5.0, 5000, 5000)],
         "\rmodel-license-guard: 1,234/5,000 files" + ERASE_LINE),
    ],
)  # fmt: skip
def test_the_meter_draws_after_two_seconds_and_erases_its_line(
    calls: list[tuple[float, int, int]], expected: str
) -> None:
    clock, stream = _Clock(), io.StringIO()
    meter = ProgressMeter(stream, clock)
    for seconds, done, total in calls:
        clock.now = 100.0 + seconds
        meter(done, total)
    assert stream.getvalue() == expected


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_only_a_terminal_gets_a_meter() -> None:
    assert progress_meter(io.StringIO()) is None
    assert isinstance(progress_meter(_Terminal()), ProgressMeter)


def _slow_scan(root: Path, stderr: int) -> subprocess.Popen[bytes]:
    """A real scan that takes a few seconds: one file spins until its CPU budget stops it."""
    root.mkdir()
    for n in range(5):
        (root / f"m{n}.py").write_text(f"X = {n}\n")
    env = {**os.environ, isolate.TEST_FAULT_ENV: "spin:m4.py", "MLG_WORKER_CPU_SECONDS": "3"}
    command = [sys.executable, "-m", "scanner", "scan", "--root", str(root), "--no-cache",
               str(root)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=env)


def test_a_long_scan_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    run = _slow_scan(tmp_path / "repo", terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the scan ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    run.wait(timeout=120)
    os.close(controller)
    assert b"model-license-guard: 4/5 files" in seen
    assert ERASE_LINE.encode() in seen


def test_a_long_scan_is_silent_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    run = _slow_scan(tmp_path / "repo", subprocess.PIPE)
    _, err = run.communicate(timeout=120)
    assert b"files" not in err.replace(b"files not scanned", b"")
    assert b"\r" not in err
