"""The commands: ``sim-run``, ``sim-compare``, ``sim-report``, ``sim-analyse``, ``sim-calibrate``, ``sim-search``,
``sim-collect``, ``sim-validate`` and the parameter docs (``python -m sim.cli.paramdocs``).

Started as a console script, a program stops on SIGINT, SIGTERM or SIGHUP with one line and
status 128 + the signal number even while it is still importing its modules (nothing is
written by then); once running, :mod:`sim.cli.guard` takes over the signals.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

PROGRAMS = ("sim-run", "sim-compare", "sim-validate")


def _stop_while_starting(signum: int, frame: object) -> None:
    name = signal.Signals(signum).name
    os.write(2, f"error: stopped by {name} while starting: nothing was written\n".encode())
    os._exit(128 + signum)


if os.path.basename(sys.argv[0] if sys.argv else "") in PROGRAMS and threading.current_thread() is threading.main_thread():
    for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(_signum, _stop_while_starting)
