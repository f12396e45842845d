"""Hypothesis profiles for the fuzz tests: ``ci`` (the default: few examples, derandomized, so a
CI run is short and repeatable) and ``long`` (thousands of random examples, for ``bench/fuzz.py``).
Choose one with ``HYPOTHESIS_PROFILE``; ``HYPOTHESIS_EXAMPLES`` overrides the example count."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True, database=None)
settings.register_profile("long", max_examples=2_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
if "HYPOTHESIS_EXAMPLES" in os.environ:
    settings.register_profile(
        "chosen", settings(), max_examples=int(os.environ["HYPOTHESIS_EXAMPLES"])
    )
    settings.load_profile("chosen")
