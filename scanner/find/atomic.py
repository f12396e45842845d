"""Files of the tool's cache folder, written whole or not at all: a concurrent reader (another
pre-commit run) sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TEMP_PREFIX = ".tmp-"
"""What a file being written is called until it is complete (eviction removes leftovers)."""


def write_atomically(path: Path, data: bytes, suffix: str = ".json") -> bool:
    """Write ``data`` to ``path`` through a temporary file renamed over it; False when the
    disk refused (read-only, full): a cache only costs work when it cannot be written."""
    import tempfile  # (with ``shutil`` and its compressors: only for a run that writes)

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError:
        return False
    return True
