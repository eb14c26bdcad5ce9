"""``sim-demo``'s settings: one line per bad setting and exit 2, before anything is served."""

from __future__ import annotations

import pytest

from sim.viz import cli


@pytest.mark.parametrize(
    ("argv", "lines"),
    [
        (["--port", "abc"], ["error: argument --port: invalid int value: 'abc' (see sim-demo --help)"]),
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
