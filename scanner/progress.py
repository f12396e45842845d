"""Progress on stderr for long scans: ``files done / files``, on a terminal only.

A scan that ends within ``DELAY_SECONDS`` prints nothing; a longer one redraws one line (at most
every ``REDRAW_SECONDS``) and erases it when extraction is done, so the report is all that
remains. Output that is not a terminal (a pipe, a CI log, pre-commit's capture) gets nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

DELAY_SECONDS = 2.0
REDRAW_SECONDS = 0.1
ERASE_LINE = "\r\x1b[K"


class ProgressMeter:
    """Called with (files done, files); draws the count once the scan has run for a while."""

    def __init__(
        self,
        stream: TextIO,
        clock: Callable[[], float] = time.monotonic,
        delay: float = DELAY_SECONDS,
    ) -> None:
        self.stream, self.clock, self.delay = stream, clock, delay
        self.started = clock()
        self.drawn = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        """Redraw (or erase, when ``done`` reaches ``total``) the progress line."""
        if done >= total:
            if self.shown:
                self._write(ERASE_LINE)
                self.shown = False
            return
        now = self.clock()
        if now - self.started < self.delay or (self.shown and now - self.drawn < REDRAW_SECONDS):
            return
        self._write(f"\rmodel-license-guard: {done:,}/{total:,} files")
        self.drawn, self.shown = now, True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stderr closed: progress is never worth failing for
            pass


def progress_meter(stream: TextIO) -> ProgressMeter | None:
    """A meter for ``stream`` when it is a terminal; None (no progress at all) otherwise."""
    try:
        terminal = stream.isatty()
    except (OSError, ValueError):
        terminal = False
    return ProgressMeter(stream) if terminal else None
