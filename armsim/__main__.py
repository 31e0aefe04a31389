"""``python -m armsim``: the same as the ``armsim`` command."""

from __future__ import annotations

import sys

from armsim.cli import main

sys.exit(main())
