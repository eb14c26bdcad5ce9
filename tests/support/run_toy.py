"""Entry point of the toy app: imports ``toy_app`` so its task is pickled by reference (see toy_app)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import toy_app

if __name__ == "__main__":
    toy_app.task()
