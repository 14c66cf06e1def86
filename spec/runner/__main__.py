"""``python -m spec.runner`` is ``nnxspec`` (for checkouts that are not pip-installed)."""

from spec.runner.cli import main

raise SystemExit(main())
