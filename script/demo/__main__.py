"""Run the demo: ``python -m script.demo`` (what ``script/develop`` does)."""

import sys

from .run import main

sys.exit(main())
