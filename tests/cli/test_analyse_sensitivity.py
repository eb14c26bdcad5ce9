"""``sim-analyse sensitivity out=D`` where D holds another command's results: one line, exit 2, D left as it was."""

from __future__ import annotations

import pytest

from sim.cli import analyse_sensitivity
from sim.config.checks import EXIT_BAD_INPUT

SMALL = ["replications=10", "trajectories=2", "top=2", "sobol_n=8", "noise_points=2"]


@pytest.mark.parametrize("held", [["summary.json", "replications.parquet"], ["search.json"], ["posterior.json"], ["sweep.json"], ["sweep.parquet"]])
def test_an_analysis_into_another_commands_results_is_refused_before_it_runs(tmp_path, capsys, held):
    """sim-analyse sensitivity out=D, D a sim-run folder, ran the whole analysis and wrote morris.parquet, sobol.parquet,
    sensitivity.json ... beside the run's replications.parquet and summary.json (reproduced: /tmp/r1/base); a sim-run
    into that folder then replaced the run's files and left the analysis's beside them."""
    folder = tmp_path / "results"
    folder.mkdir()
    for name in held:
        (folder / name).write_text("{}")
    with pytest.raises(SystemExit) as ended:
        analyse_sensitivity.main([*SMALL, f"out={folder}"])
    assert ended.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err == f"error: out = {folder} holds another command's results ({held[0]}): an analysis does not mix with them; choose another folder\n"
    assert sorted(p.name for p in folder.iterdir()) == sorted(held)


def test_a_run_into_an_analysiss_folder_is_refused_and_leaves_it_as_it_was(tmp_path, capsys):
    """sim-run out=D, D a sensitivity analysis's folder, wrote its replications.parquet and summary.json beside the
    analysis's morris.parquet, sobol.parquet and sensitivity.json (reproduced: /tmp/r1/sens)."""
    from sim.cli import run

    folder = tmp_path / "analysis"
    folder.mkdir()
    held = ["morris.parquet", "sensitivity.json"]
    for name in held:
        (folder / name).write_text("{}")
    assert run.main(["replications=20", "uncertainty=none", f"out={folder}"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"error: out = {folder} holds a sensitivity analysis (sensitivity.json and its tables): a single run does not replace it" in err
    assert sorted(p.name for p in folder.iterdir()) == held
