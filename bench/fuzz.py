"""Run the fuzz tests long (not part of CI): the ``long`` hypothesis profile, random seeds.

    python bench/fuzz.py                    # 2,000 examples per property
    python bench/fuzz.py --examples 20000   # longer
    python bench/fuzz.py -- -k notebook     # extra pytest arguments after --
    python bench/fuzz.py -- tests/test_fuzz_policy.py   # one file

CI runs the same tests under the ``ci`` profile (25 derandomized examples each). A failure
prints the falsifying example and a ``@reproduce_failure`` blob; fix the bug at its source and
add the example to the table test of that extractor as a regression test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUZZ_TESTS = ("tests/test_fuzz_extractors.py", "tests/test_fuzz_policy.py")


def main() -> int:
    """Run the fuzz tests under the long profile; the exit code is pytest's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2_000, help="examples per property")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args()
    env = {
        **os.environ,
        "HYPOTHESIS_PROFILE": "long",
        "HYPOTHESIS_EXAMPLES": str(args.examples),
    }
    named = [arg for arg in args.pytest_args if arg.startswith("tests/")]
    tests = [] if named else list(FUZZ_TESTS)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
    return subprocess.run([*command, *args.pytest_args], cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
