"""``sim-demo``: serve the trainer's app on this machine, offline, with Solara's telemetry off.

    sim-demo                      # http://127.0.0.1:8765
    sim-demo --port 8799 --config-dir my_configs

Solara is started in this process (its ``run`` command) in production mode, without
opening a browser, without asking the package index for a newer Solara, with its Mixpanel
telemetry off (``SOLARA_TELEMETRY_MIXPANEL_ENABLE=False``, whatever the environment says),
and with its asset proxy's upstream pointed at a closed loopback port: every asset the page
loads comes from the installed ``solara-assets``, and a missing one fails at once instead of
being fetched from a CDN.
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import logging
import os
import socket
import sys
import threading
import warnings
from collections.abc import MutableMapping, Sequence
from pathlib import Path

from sim.config.checks import EXIT_BAD_INPUT, ArgumentParser

#: Environment variable through which ``--config-dir`` reaches the page (:func:`sim.viz.app.config_dir`).
CONFIG_DIR_ENV = "SIM_DEMO_CONFIG_DIR"
#: Environment that keeps Solara offline and quiet; set before Solara is imported (it reads it once).
OFFLINE_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",  # the asset proxy's upstream: a closed port, never a CDN
    "SOLARA_THEME_VARIANT": "light",
    "SOLARA_THEME_SHOW_BANNER": "False",  # no "This website runs on Solara" over the page
    "SOLARA_THEME_LOADER": "plain",
}
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def parser() -> argparse.ArgumentParser:
    """The command's options, with their ranges."""
    p = ArgumentParser(
        prog="sim-demo",
        description="Serve the trainer's browser app (offline, no telemetry): watch a partnership fail, see why, replay it with the lever on.",
    )
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}: this machine only; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port, 1 .. 65535 (default {DEFAULT_PORT})")
    p.add_argument("--config-dir", type=Path, default=None, help="a folder of your own configs (scenario/NAME.yaml, policy/NAME.yaml), added to the lists")
    p.add_argument("--open", action="store_true", help="open a browser at the page")
    return p


def problems(args: argparse.Namespace) -> list[str]:
    """One line per bad setting: the setting, its value and what is allowed."""
    found = []
    if not 1 <= args.port <= 65535:
        found.append(f"error: --port = {args.port} is outside [1, 65535]")
    if args.config_dir is not None and not args.config_dir.is_dir():
        found.append(f"error: --config-dir = {args.config_dir} is not a folder (expected one holding scenario/*.yaml and policy/*.yaml)")
    if not args.host.strip():
        found.append(f"error: --host = {args.host!r} is empty (expected an address such as 127.0.0.1)")
    else:
        try:
            socket.getaddrinfo(args.host, None)
        except socket.gaierror:
            found.append(f"error: --host = {args.host!r} is not an address or a name of a machine (expected an address of this machine such as 127.0.0.1)")
    return found


def address_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (in use, or not an address of this machine), or None if it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server sets it: only a listening socket is in the way
            probe.bind((host, port))
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            return f"error: --port = {port}: {host}:{port} is in use by another program; choose another port with --port"
        return f"error: --host = {host!r}: cannot listen there ({err.strerror or err}); use an address of this machine such as 127.0.0.1"
    return None


def offline_environment(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set :data:`OFFLINE_ENV` (telemetry always off, the rest unless the user set it); must run before Solara is imported."""
    for key, value in OFFLINE_ENV.items():
        environ.setdefault(key, value)
    environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"


def quiet_cookie_warning() -> None:
    """Silence Solara's warning, on the first page load, that cookies with ``samesite=none`` need https.

    Solara falls back to ``samesite=lax`` by itself, which is right for a page served over http
    on this machine or the room's network; its dozen lines in the trainer's terminal told of nothing to do.
    """
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)


#: Solara's own race as a browser tab closes (solara/server/kernel_context.py ``page_disconnect``, solara 1.58): the page's
#: websocket is reported disconnected twice, and uvicorn logs the assertion's traceback in the trainer's terminal.
DOUBLE_DISCONNECT = "cannot disconnect a page that is in state"


def _leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside ``error``: itself, or those of an exception group, flattened."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def is_double_disconnect(error: BaseException) -> bool:
    """Whether ``error`` is (or groups only) Solara's double-disconnect assertion, raised in ``page_disconnect`` of
    ``solara/server/kernel_context.py``."""

    def known(leaf: BaseException) -> bool:
        tb = leaf.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        code = tb.tb_frame.f_code if tb is not None else None
        return (
            isinstance(leaf, AssertionError)
            and str(leaf).startswith(DOUBLE_DISCONNECT)
            and code is not None
            and code.co_name == "page_disconnect"
            and Path(code.co_filename).as_posix().endswith("solara/server/kernel_context.py")
        )

    return all(known(leaf) for leaf in _leaves(error))


class DoubleDisconnectFilter(logging.Filter):
    """Drops the log record of Solara's double-disconnect assertion (:func:`is_double_disconnect`), and only that one."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the known race's record; every other record passes."""
        error = record.exc_info[1] if record.exc_info else None
        return error is None or not is_double_disconnect(error)


def quiet_double_disconnect() -> None:
    """Keep Solara's double-disconnect traceback out of the trainer's terminal: uvicorn logs it as "Exception in ASGI
    application" on its ``uvicorn.error`` logger, whose filters survive the server's logging set-up. Nothing is wrong
    with the page: the tab had closed. Every other error is still logged."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, DoubleDisconnectFilter) for f in logger.filters):
        logger.addFilter(DoubleDisconnectFilter())


def warm_up() -> None:
    """Compile the model while the server starts, so that the first page waits less."""
    from sim.viz import adapter

    adapter.Run("case01_key_person").step()
    print("sim-demo: the model is compiled", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Check the settings (exit 2 with one line per problem) and the address (exit 3 if it is taken), then serve until stopped."""
    args = parser().parse_args(argv)
    bad = problems(args)
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return EXIT_BAD_INPUT
    if importlib.util.find_spec("solara") is None:  # found, not imported: its settings are made offline first
        print("error: sim-demo needs the [viz] extra, which is not installed: pip install 'partnership-sim[viz]'", file=sys.stderr)
        return EXIT_BAD_INPUT
    taken = address_problem(args.host, args.port)
    if taken:
        print(taken, file=sys.stderr)
        return 3
    if args.config_dir is not None:
        os.environ[CONFIG_DIR_ENV] = str(args.config_dir.resolve())
    if "solara" in sys.modules:
        raise RuntimeError("sim-demo: Solara was imported before its settings were made offline")
    offline_environment()
    quiet_cookie_warning()
    quiet_double_disconnect()
    from sim.core.jit import COMPILE_TIME
    from sim.frontends.compiling import compiled_code_cached

    if not compiled_code_cached():
        print(f"sim-demo: compiling the model (once per version of the code: {COMPILE_TIME}); the page waits for it", file=sys.stderr, flush=True)
        threading.Thread(target=warm_up, name="sim-demo-warm-up", daemon=True).start()
    from solara.__main__ import cli

    solara_args = ["run", "sim.viz.app", "--host", args.host, "--port", str(args.port), "--production", "--no-check-version"]
    solara_args += [] if args.open else ["--no-open"]
    print(f"sim-demo: serving on http://{args.host}:{args.port} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    cli.main(args=solara_args, prog_name="sim-demo", standalone_mode=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
