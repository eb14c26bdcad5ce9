"""``sim-demo``'s settings: loopback by default, telemetry off, assets kept local, bad settings refused."""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys

import pytest
from viz_support import need_solara

from sim.viz import cli

need_solara()


def test_sim_demo_turns_telemetry_off_and_keeps_assets_local():
    env = {k: val for k, val in os.environ.items() if not k.startswith("SOLARA_")}
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "True"  # a user's setting cannot turn it back on
    code = (
        "from sim.viz import cli; cli.offline_environment()\n"
        "import solara.server.settings as s, solara.settings as ss\n"
        "print(s.telemetry.mixpanel_enable, ss.assets.cdn, ss.assets.proxy, s.theme.show_banner)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=120).stdout.split()
    assert out == ["False", "http://127.0.0.1:9/", "True", "False"]


def test_sim_demo_defaults_to_loopback():
    args = cli.parser().parse_args([])
    assert (args.host, args.port, args.config_dir) == ("127.0.0.1", cli.DEFAULT_PORT, None)


def test_help_lists_the_settings_with_their_ranges():
    text = cli.parser().format_help()
    for option in ("--host", "--port", "--config-dir", "--open"):
        assert option in text
    assert "1 .. 65535" in text and "127.0.0.1" in text


@pytest.mark.parametrize(
    ("argv", "lines"),
    [
        (["--port", "abc"], ["error: --port = 'abc' is not a whole number (see sim-demo --help)"]),
        (["--colour", "red"], ["error: unrecognized arguments: --colour red (see sim-demo --help)"]),
    ],
)
def test_arguments_argparse_refuses_give_one_line_and_exit_2(capsys, argv, lines):
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines() == lines


def test_every_setting_out_of_range_gets_its_own_line(capsys, tmp_path):
    assert cli.main(["--port", "0", "--host", " ", "--config-dir", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "error: --port = 0 is outside [1, 65535]",
        f"error: --config-dir = {tmp_path / 'none'} is not a folder (expected one holding scenario/*.yaml and policy/*.yaml)",
        "error: --host = ' ' is empty (expected an address such as 127.0.0.1)",
    ]


def test_without_the_viz_extra_it_names_the_extra_to_install(capsys, monkeypatch):
    """A package installed without [viz] ended sim-demo in a ModuleNotFoundError traceback for solara."""
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == "solara" else find_spec(name, *args))
    monkeypatch.setitem(sys.modules, "solara.__main__", None)  # importing it fails, as without the extra
    assert cli.main([]) == 2  # before the address is tried or anything starts
    assert capsys.readouterr().err.splitlines() == ["error: sim-demo needs the [viz] extra, which is not installed: pip install 'partnership-sim[viz]'"]


def test_a_port_in_use_is_one_line_and_exit_3_before_anything_starts(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["--port", str(port)]) == 3
    assert capsys.readouterr().err.splitlines() == [f"error: --port = {port}: 127.0.0.1:{port} is in use by another program; choose another port with --port"]


def test_a_host_that_is_not_this_machines_is_one_line(capsys):
    assert cli.main(["--host", "192.0.2.1"]) == 3  # TEST-NET-1: never an address of this machine
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: --host = '192.0.2.1': cannot listen there (")


@pytest.mark.parametrize("host", ["999.1.1.1", "no such machine"])
def test_a_host_that_is_no_address_at_all_is_bad_input_exit_2(capsys, host):
    assert cli.main(["--host", host, "--port", "0"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: --port = 0 is outside [1, 65535]",
        f"error: --host = {host!r} is not an address or a name of a machine (expected an address of this machine such as 127.0.0.1)",
    ]


def test_solaras_samesite_cookie_warning_is_kept_out_of_the_trainers_terminal():
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        cli.quiet_cookie_warning()
        warnings.warn("Cookies with samesite=none require https, but according to the asgi framework, the scheme is 'http'", UserWarning, stacklevel=1)
        warnings.warn("another warning", UserWarning, stacklevel=1)
    assert [str(w.message) for w in seen] == ["another warning"]


def _double_disconnect() -> AssertionError:
    """Solara's own assertion, raised by its ``page_disconnect`` for a page already disconnected (as a closing tab can)."""
    import threading
    from types import SimpleNamespace

    from solara.server.kernel_context import PageStatus, VirtualKernelContext

    context = SimpleNamespace(id="kernel", lock=threading.RLock(), page_status={"page": PageStatus.DISCONNECTED})
    with pytest.raises(AssertionError) as raised:
        VirtualKernelContext.page_disconnect(context, "page")  # type: ignore[arg-type]
    return raised.value


@pytest.mark.filterwarnings("ignore:There is no current event loop:DeprecationWarning")
def test_solaras_double_disconnect_traceback_is_kept_out_of_the_terminal_and_nothing_else(caplog):
    """A closing tab sometimes had Solara report its page disconnected twice: uvicorn printed the assertion's traceback
    ("Exception in ASGI application", 60 lines) in the trainer's terminal, for nothing wrong. Only that one is dropped."""
    logger = logging.getLogger("uvicorn.error")
    before = list(logger.filters)
    try:
        cli.quiet_double_disconnect()
        cli.quiet_double_disconnect()
        assert len(logger.filters) == len(before) + 1
        known = _double_disconnect()
        try:
            raise AssertionError(str(known))  # the same words, raised elsewhere: not Solara's race
        except AssertionError as err:
            elsewhere = err
        with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
            for error in (known, BaseExceptionGroup("unhandled errors in a TaskGroup", [known]), elsewhere, ValueError("other")):
                logger.error("Exception in ASGI application\n", exc_info=(type(error), error, error.__traceback__))
            logger.error("no exception at all")
        # uvicorn's records only: Solara's own log lines of the disconnect made above reach caplog too where an earlier test of the
        # same worker left its logger's level low ('Disconnect page page for kernel kernel', make test in a fresh clone)
        logged = [r.exc_info[1] if r.exc_info else r.getMessage() for r in caplog.records if r.name == "uvicorn.error"]
        assert logged[:2] == [elsewhere, logged[1]] and isinstance(logged[1], ValueError) and logged[2] == "no exception at all"
        assert len(logged) == 3
        assert not cli.is_double_disconnect(BaseExceptionGroup("two", [known, elsewhere]))
    finally:
        logger.filters[:] = before
