"""The commands: ``sim-run``, ``sim-compare``, ``sim-report``, ``sim-analyse``, ``sim-calibrate``, ``sim-search``,
``sim-collect``, ``sim-validate`` and the parameter docs (``python -m sim.cli.paramdocs``).

Started as a console script, a program stops on SIGINT, SIGTERM or SIGHUP with one line and
status 128 + the signal number even while it is still importing its modules (nothing is
written by then); once running, :mod:`sim.cli.guard` takes over the signals. When the guard
hands them back, the command has finished (its results are in place, or it has said why
not) and is only printing its last lines and exiting: a signal then is ignored, and the
program ends with the command's own status (:func:`after_command`). A process the
program started to do part of its work (a joblib worker of a sweep, which imports this
module under the program's name) ignores SIGINT: Ctrl-C reaches the whole process group,
and the program itself stops its workers and says what became of the sweep (a worker
killed by it could leave the program waiting for ever for its half-sent result). It stops
on SIGTERM or SIGHUP without a line.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

#: The console scripts that run under :mod:`sim.cli.guard` (``sim-demo``, a web server, stops as Solara does).
PROGRAMS = ("sim-run", "sim-compare", "sim-validate", "sim-report", "sim-analyse", "sim-collect", "sim-search", "sim-calibrate")
#: The process id of the program the user started, for the processes it starts (inherited with the environment).
OWNER = "SIM_CLI_PID"


def helper() -> bool:
    """Whether this process was started by a running program to do part of its work (its parent set :data:`OWNER`)."""
    return os.environ.get(OWNER) == str(os.getppid())


def _stop_while_starting(signum: int, frame: object) -> None:
    if not helper():
        name = signal.Signals(signum).name
        os.write(2, f"error: stopped by {name} while starting: nothing was written\n".encode())
    os._exit(128 + signum)


def after_command(handler: object) -> object:
    """The handler a stop signal gets back when a command's guard ends: ``handler``, but "ignore" for the program's start-up handler.

    The command has then finished: telling a signal "stopped while starting: nothing was
    written" (or dying of it) would belie the results just put in place and the status the
    program is about to exit with. A process started to do part of a program's work keeps
    stopping at once.
    """
    return signal.SIG_IGN if handler is _stop_while_starting and not helper() else handler


if os.path.basename(sys.argv[0] if sys.argv else "") in PROGRAMS and threading.current_thread() is threading.main_thread():
    if not helper():
        os.environ[OWNER] = str(os.getpid())
    for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(_signum, signal.SIG_IGN if _signum == signal.SIGINT and helper() else _stop_while_starting)
