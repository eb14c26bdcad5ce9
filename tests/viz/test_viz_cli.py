"""``sim-demo``'s settings: loopback by default, telemetry off, assets kept local, bad settings refused."""

from __future__ import annotations

import os
import subprocess
import sys

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


def test_sim_demo_refuses_bad_settings_with_one_line_each(tmp_path, capsys):
    assert cli.main(["--port", "70000", "--config-dir", str(tmp_path / "nowhere")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0] == "error: --port = 70000 is outside [1, 65535]"
    assert lines[1].startswith(f"error: --config-dir = {tmp_path / 'nowhere'} is not a folder")


def test_help_lists_the_settings_with_their_ranges():
    text = cli.parser().format_help()
    for option in ("--host", "--port", "--config-dir", "--open"):
        assert option in text
    assert "1 .. 65535" in text and "127.0.0.1" in text
