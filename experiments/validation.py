"""The validation study: regenerate docs/validation.md and its figures.

    python experiments/validation.py                      # 3,000 replications a run, robustness at 1,500 (a few minutes)
    python experiments/validation.py --replications 500 --robustness 0 --out /tmp/validation.md

The same as ``sim-validate``; kept here with the other reproducible studies that regenerate
what ``docs/`` shows.
"""

from __future__ import annotations

import sys

from sim.cli.validate import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
