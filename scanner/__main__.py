"""``python -m scanner``: the same as the ``model-license-guard`` console script."""

from scanner.cli import main

raise SystemExit(main())
