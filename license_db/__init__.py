"""The bundled, offline model-license database.

``load()`` parses the sorted JSON in ``license_db/data`` (written by ``license_db/build.py`` from
the license facts) once per process and returns a LicenseDB that resolves identifiers::

    db = license_db.load()
    db.lookup("unsloth/Llama-3.2-1B-Instruct-bnb-4bit")  # license "llama3.2", rule DERIVATIVE
    db.license("llama3.1").mau_limit  # 700000000
"""

from __future__ import annotations

from functools import cache

from license_db.db import LicenseDB
from license_db.loader import LazyBundle

DB_VERSION = "2026.12.07"
"""Version of the bundled data; build.py writes it into data/manifest.json."""

__all__ = ["DB_VERSION", "LicenseDB", "load"]


@cache
def load() -> LicenseDB:
    """The bundled database, each part parsed and indexed once per process, when first used."""
    return LicenseDB(LazyBundle())
