"""The notebooks of ``notebooks/``: stored without outputs, each opening with what it is for and needs, and each run top to bottom in a fresh kernel.

Every notebook is executed with ``FAST=1`` (few replications) in a fresh Jupyter kernel through
``nbclient``, in a temporary folder (the files a notebook writes go there); a cell that raises fails
the test. Notebook 02's interpretation must quote the numbers the cells above it computed: every
decimal figure in its text is found, at the precision printed, in the tables that notebook exported
to CSV before it (all but the full comparison, whose many raw columns would match anything), and the
cell's source holds no figure of its own.

Needs the ``[notebooks]`` extra (Jupyter's ``nbclient``, ``nbformat`` and ``ipykernel``): skipped
without it on a user's machine, failed under ``CI=true``.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.analysis.comparison import EFFECT_COLUMNS, effect_column, policy_words
from sim.analysis.sensitivity import factor_words, ranked

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in FOLDER.glob("*.ipynb"))
#: Seconds a cell may take: generous, for the first compile of the model on a busy machine (about 4 minutes).
CELL_TIMEOUT = 900
#: Starts of code that launches processes from inside a notebook (the issue: no multiprocessing in a notebook).
PROCESS_POOLS = ("import multiprocessing", "from multiprocessing", "concurrent.futures", "import joblib", "from joblib", "batch_run", "hydra/launcher")
DECIMAL = re.compile(r"[-+]?\d+\.\d+")
#: A distribution's exact form as a scenario file writes it (sim.config.distributions.describe), which a policy reader cannot read.
DISTRIBUTION_JARGON = r"beta\(|randint|uniform on|triangular|normal\(|choice of|with probability| ~ |, mean \d"
#: Notebook 02's columns on the effect on collapse across draws, named as sim-compare names them.
HELPS, FIRST, FROM_PARAMETERS = (effect_column(key, "collapse") for key in ("helps", "best", "parameter_share"))


def _nbformat() -> Any:
    try:
        import nbclient  # noqa: F401
        import nbformat
    except ImportError:
        if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
            pytest.fail("nbclient/nbformat are missing under CI=true: install the [notebooks] extra", pytrace=False)
        pytest.skip("needs the [notebooks] extra (nbclient, nbformat, ipykernel)")
    return nbformat


def read(name: str) -> Any:
    """The stored notebook."""
    return _nbformat().read(FOLDER / name, as_version=4)


@functools.cache
def executed(name: str) -> tuple[Any, Path]:
    """The notebook run top to bottom with ``FAST=1`` in a fresh kernel, and the folder it ran in (run once per test session)."""
    return execute(read(name), Path(name).stem)


def execute(notebook: Any, stem: str) -> tuple[Any, Path]:
    """``notebook`` run top to bottom with ``FAST=1`` in a fresh kernel, in a new temporary folder, and that folder."""
    from nbclient import NotebookClient

    folder = Path(tempfile.mkdtemp(prefix=f"notebook-{stem}-"))
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute(env={**os.environ, "FAST": "1"})
    return notebook, folder


def code_cells(notebook: Any) -> list[Any]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def text_output(cell: Any) -> str:
    """Everything a cell printed."""
    return "".join(output.get("text", "") for output in cell.get("outputs", []) if output.output_type == "stream")


def test_the_four_notebooks_of_the_issue_are_there() -> None:
    assert NOTEBOOKS[:4] == [
        "01_quickstart.ipynb",
        "02_our_partnership_what_if.ipynb",
        "03_seven_failure_modes.ipynb",
        "04_sweeps_sensitivity_calibration.ipynb",
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_without_outputs(name: str) -> None:
    for i, cell in enumerate(code_cells(read(name))):
        assert cell.outputs == [], f"{name}: code cell {i} is stored with outputs (clear them before committing)"
        assert cell.execution_count is None, f"{name}: code cell {i} is stored with an execution count"
    assert "widgets" not in read(name).metadata, f"{name}: widget state is stored"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_opens_with_what_it_is_for_and_what_it_needs_and_one_fast_switch(name: str) -> None:
    notebook = read(name)
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and "What this notebook is for" in first.source and "What it needs" in first.source
    assert 'FAST = os.environ.get("FAST") == "1"' in code_cells(notebook)[0].source, f"{name}: the first code cell sets FAST from the environment"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_says_which_uncertainty_its_figures_use_and_when_a_comparison_is_paired(name: str) -> None:
    notebook = read(name)
    opening = notebook.cells[0].source
    assert re.search(r"uncertainty=\"?(posterior|prior|none)", opening), f"{name}: the opening does not name the uncertainty mode its figures use"
    compares = any(call in cell.source for cell in code_cells(notebook) for call in ("sim.compare(", "compare_policies("))
    if compares:
        assert "paired" in opening, f"{name} compares levers but its opening does not say the comparison is paired"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_launches_no_process_pool(name: str) -> None:
    for cell in code_cells(read(name)):
        found = [start for start in PROCESS_POOLS if start in cell.source]
        assert not found, f"{name}: {found} in a code cell (run big sweeps from a terminal and load the file)"


@pytest.mark.notebook
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_top_to_bottom_in_a_fresh_kernel_with_fast(name: str) -> None:
    notebook, _ = executed(name)
    errors = [output for cell in code_cells(notebook) for output in cell.outputs if output.output_type == "error"]
    assert not errors
    assert all(cell.execution_count is not None for cell in code_cells(notebook))


@pytest.mark.notebook
def test_notebook_01_names_the_ensemble_rows_cause_in_words_as_the_models() -> None:
    notebook, _ = executed("01_quickstart.ipynb")
    lines = "".join(text_output(cell) for cell in code_cells(notebook)).splitlines()
    model = next(line for line in lines if line.startswith("replication "))
    row = next(line for line in lines if line.startswith("the ensemble's row "))
    assert not re.search(r"case\d\d_", row), row
    cause = model.split("; cause: ")[1].split("; trigger")[0]
    assert f"cause: {cause} (the same run: True)" in row, (model, row)


def test_notebook_01_draws_one_run_month_by_month_on_axes_from_zero_with_its_lines_in_words() -> None:
    """Trust was drawn from 0.54 to 0.62 under the label "trust (0 to 1)", so a fall of 0.08 looked like a collapse of trust,
    and the money lines were labelled realised_savings and business_case. Value seen and trust are means over the councils still
    in, and say so: read as a committee would (FAST, replication 53), "value seen" rose from 0.43 to 0.52 in the month a council
    left, which looked like the partnership gaining from the loss when the council seeing least had left the mean."""
    import matplotlib

    matplotlib.use("Agg")
    from types import SimpleNamespace

    from matplotlib import pyplot

    (cell,) = [cell for cell in code_cells(read("01_quickstart.ipynb")) if "mean_trust" in cell.source]
    monthly = pd.DataFrame(
        {
            "month": range(4),
            "partners": [4, 4, 3, 1],
            "mean_value_seen": [1.1, 0.9, 0.6, 0.5],
            "mean_trust": [0.62, 0.6, 0.55, 0.54],
            "realised_savings": [0.0, 0.1, 0.2, 0.3],
            "business_case": [0.0, 0.2, 0.5, 1.0],
        }
    )
    model = SimpleNamespace(datacollector=SimpleNamespace(get_model_vars_dataframe=lambda: monthly), outcome="collapsed", month=3)
    names = {"plt": pyplot, "model": model, "config": SimpleNamespace(n_councils=4), "replication": 53}
    exec(cell.source, names)
    partners, value, trust, money = names["fig"].axes
    assert trust.get_ylim() == (0, 1)
    assert partners.get_ylim()[0] == value.get_ylim()[0] == money.get_ylim()[0] == 0
    assert [t.get_text() for t in money.get_legend().get_texts()] == ["realised savings", "business case"]
    for axis in (value, trust):
        assert "mean" in axis.get_ylabel() and "councils still in" in axis.get_ylabel(), axis.get_ylabel()
    pyplot.close(names["fig"])


def test_notebook_04_gives_a_sobol_indexs_uncertainty_in_percentage_points(capsys) -> None:
    """The text "accounts for 84% of the variance (plus or minus 38%)" read as 38% of the 84%; the half-width is in points of the index."""
    (cell,) = [cell for cell in code_cells(read("04_sweeps_sensitivity_calibration.ipynb")) if "Sobol indices" in cell.source and "lead = " in cell.source]
    morris = pd.DataFrame(
        {"factor": ["a", "b"], "output": "collapse", "mu_star": [0.3, 0.1], "mu_star_conf": [0.05, 0.05], "mu_star_noise": 0.06, "above_noise": [True, False]}
    )
    sobol = pd.DataFrame({"factor": ["a", "b"], "output": "collapse", "ST": [0.84, 0.2], "ST_conf": [0.38, 0.1], "S1": [0.56, 0.1], "S1_conf": [0.27, 0.1]})
    noise = pd.DataFrame({"output": ["collapse"], "mu_star_noise": [0.063], "noise_share_of_sobol_variance": [0.05]})
    exec(cell.source, {"morris": morris, "sobol": sobol, "noise": noise, "factor_words": factor_words, "ranked": ranked})
    text = capsys.readouterr().out
    assert "84% of the variance (plus or minus 38 percentage points, 95% interval), 56% alone (plus or minus 27 points)" in text, text


def test_notebook_04_screens_with_the_packages_noise_rule_not_a_copy_of_it(capsys) -> None:
    """The screening cell wrote the Morris rule again (``mu_star - mu_star_conf > mu_star_noise``) beside
    :func:`sim.analysis.sensitivity.above_noise`, which the printout, the page and the tables' ``above_noise`` column use."""
    (cell,) = [cell for cell in code_cells(read("04_sweeps_sensitivity_calibration.ipynb")) if "Sobol indices" in cell.source and "lead = " in cell.source]
    assert 'screened["above_noise"]' in cell.source and "above_noise(" not in cell.source and "mu_star_conf" not in cell.source, cell.source
    morris = pd.DataFrame(
        {"factor": ["a", "b"], "output": "collapse", "mu_star": [0.3, 0.1], "mu_star_conf": [0.05, 0.05], "mu_star_noise": 0.06, "above_noise": [True, False]}
    )
    sobol = pd.DataFrame({"factor": ["a", "b"], "output": "collapse", "ST": [0.84, 0.2], "ST_conf": [0.38, 0.1], "S1": [0.56, 0.1], "S1_conf": [0.27, 0.1]})
    noise = pd.DataFrame({"output": ["collapse"], "mu_star_noise": [0.063], "noise_share_of_sobol_variance": [0.05]})
    names = {"morris": morris, "sobol": sobol, "noise": noise, "factor_words": factor_words, "ranked": ranked}
    exec(cell.source, names)
    assert list(names["above"]["factor"]) == ["a"], "b's mu* (0.1) less its interval (0.05) does not clear the floor (0.06)"


def test_notebook_04_gives_the_sobol_indices_and_the_lead_assumption_in_words(tmp_path, capsys) -> None:
    """The sensitivity cell ended on the raw Sobol table (factor decisions.outside_option, S1_conf 0.267325) and the sentences named
    "decisions.outside_option" and "partnership.delivery's": the assumptions are now named by their meaning, the indices in percent."""
    from pathlib import Path

    from sim.analysis.sensitivity import OUTPUTS

    notebook = read("04_sweeps_sensitivity_calibration.ipynb")
    (table,) = [cell for cell in code_cells(notebook) if 'read_parquet(sensitivity_dir / "sobol.parquet")' in cell.source]
    sobol = pd.DataFrame(
        {"factor": ["decisions.outside_option"], "output": "collapse", "S1": [0.557659], "S1_conf": [0.267325], "ST": [0.84], "ST_conf": [0.38]}
    )
    sobol.to_parquet(tmp_path / "sobol.parquet")
    pd.DataFrame({"factor": ["decisions.outside_option"], "output": "collapse", "mu_star": [0.3], "mu_star_conf": [0.05]}).to_parquet(
        tmp_path / "morris.parquet"
    )
    pd.DataFrame({"output": ["collapse"], "mu_star_noise": [0.06]}).to_parquet(tmp_path / "noise.parquet")
    names = {"SENSITIVITY_DIR": str(tmp_path), "Path": Path, "pd": pd, "OUTPUTS": OUTPUTS, "factor_words": factor_words}
    shown = _last_value(table.source, names).to_html()
    assert "decisions.outside_option" not in shown and "S1_conf" not in shown and "0.267325" not in shown, shown
    assert factor_words("decisions.outside_option") in shown and OUTPUTS["collapse"] in shown
    assert "56%" in shown and ">27<" in shown and "plus or minus (percentage points)" in shown
    (sentences,) = [cell for cell in code_cells(notebook) if "Sobol indices" in cell.source and "lead = " in cell.source]
    sobol = pd.DataFrame({"factor": ["decisions.outside_option"], "output": "collapse", "ST": [0.84], "ST_conf": [0.38], "S1": [0.56], "S1_conf": [0.27]})
    morris = pd.DataFrame(
        {"factor": ["partnership.delivery"], "output": "collapse", "mu_star": [0.3], "mu_star_conf": [0.05], "mu_star_noise": 0.06, "above_noise": True}
    )
    noise = pd.DataFrame({"output": ["collapse"], "mu_star_noise": [0.063], "noise_share_of_sobol_variance": [0.05]})
    exec(sentences.source, {"morris": morris, "sobol": sobol, "noise": noise, "factor_words": factor_words, "ranked": ranked})
    text = capsys.readouterr().out
    assert "decisions.outside_option" not in text and "partnership.delivery" not in text, text
    assert f"{factor_words('decisions.outside_option')} matters most" in text and f"is that of {factor_words('partnership.delivery')}." in text


def _interpretation(notebook: Any) -> tuple[int, Any]:
    cells = [(i, cell) for i, cell in enumerate(notebook.cells) if "interpretation" in cell.metadata.get("tags", [])]
    assert len(cells) == 1, "notebook 02 has one cell tagged 'interpretation'"
    return cells[0]


def _literal_strings(source: str) -> list[str]:
    """String constants of a cell's code, without the format specifications of f-strings (``.1%``)."""
    tree = ast.parse(source)
    specs = {id(node) for value in ast.walk(tree) if isinstance(value, ast.FormattedValue) and value.format_spec for node in ast.walk(value.format_spec)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in specs]


def test_the_interpretation_of_notebook_02_is_written_in_code_without_figures_of_its_own() -> None:
    index, cell = _interpretation(read("02_our_partnership_what_if.ipynb"))
    # "95%" names the level of the intervals sim.compare returns, not a result.
    with_figures = [text for text in _literal_strings(cell.source) if re.search(r"\d", text.replace("95%", ""))]
    assert not with_figures, f"figures written into the interpretation's text: {with_figures}"
    exports = [i for i, c in enumerate(read("02_our_partnership_what_if.ipynb").cells) if "lever_effects.csv" in c.source]
    assert exports and exports[0] < index, "the tables the interpretation quotes are computed (and exported) above it"


@pytest.mark.notebook
def test_the_interpretation_of_notebook_02_quotes_the_numbers_computed_above_it() -> None:
    notebook, folder = executed("02_our_partnership_what_if.ipynb")
    _, cell = _interpretation(notebook)
    text = text_output(cell)
    tables = {path.name: pd.read_csv(path) for path in (folder / "our_partnership").glob("*.csv") if path.name != "comparison_full.csv"}
    effects = tables["lever_effects.csv"].set_index("lever")
    computed = [abs(v) for frame in tables.values() for v in pd.to_numeric(frame.stack(), errors="coerce").dropna()]
    quoted = DECIMAL.findall(text)
    assert len(quoted) >= 6, f"the interpretation quotes few figures: {text!r}"
    for token in quoted:
        decimals = len(token.partition(".")[2])
        figure = f"{abs(float(token)):.{decimals}f}"
        assert any(f"{v:.{decimals}f}" == figure for v in computed), f"{token} in the interpretation is none of the figures computed above it"
    lowering = effects.index[effects["collapse difference high"] < 0]
    for lever in lowering:
        assert lever in text, f"{lever} lowers collapse in the table above but the interpretation does not say so"
    if len(lowering) == 0:
        assert "No lever compared measurably lowers the chance of collapse" in text


def _listed(names: list[str]) -> str:
    """Names as a sentence gives them: ``A``, ``A and B``, ``A, B and C``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@pytest.mark.notebook
def test_notebook_02_lists_levers_as_a_sentence_does_and_claims_only_what_its_table_shows() -> None:
    """The levers of no measurable effect read "A, B and C make" (not "A, B, C make"); the text does not say the draws show no
    spread when the table shows one; a change in net savings the total interval cannot tell from zero is said to be so."""
    notebook, folder = executed("02_our_partnership_what_if.ipynb")
    text = text_output(_interpretation(notebook)[1])
    effects = pd.read_csv(folder / "our_partnership" / "lever_effects.csv").set_index("lever")
    unclear = list(effects.index[(effects["collapse difference low"] <= 0) & (effects["collapse difference high"] >= 0)])
    if unclear:
        assert f"With these replications, {_listed(unclear)} {'makes' if len(unclear) == 1 else 'make'} no measurable difference" in text
    if (effects[FROM_PARAMETERS] > 0).any():
        assert "the draws show no spread" not in text, "the table shows a spread from the assumptions for some lever"
    # in the sentence's order: those whose savings rise, then those whose savings fall
    moved = pd.concat([effects[effects["net savings difference low"] > 0], effects[effects["net savings difference high"] < 0]])
    doubtful = list(moved.index[(moved["net savings difference total low"] <= 0) & (moved["net savings difference total high"] >= 0)])
    if doubtful:
        assert f"the change in net savings is no longer measurable for {_listed(doubtful)}." in text


@pytest.mark.notebook
def test_notebook_02_says_when_the_draws_could_not_measure_the_doubt_about_a_change_in_net_savings() -> None:
    """Read as a committee paper (FAST run, the councils as stored): 'Counting the doubt about the assumptions as well (the total
    interval), the change in net savings is no longer measurable for Agreed decision process, IT harmonisation first and Continuity
    plan' implied that Open motivations' rise (+0.03) and Staged scope's fall still held counting that doubt, but for both the draws
    showed no spread (from parameters 0: the total interval is the Monte Carlo one). It says so, as it does for collapse."""
    notebook, folder = executed("02_our_partnership_what_if.ipynb")
    text = text_output(_interpretation(notebook)[1])
    full = pd.read_csv(folder / "our_partnership" / "comparison_full.csv")
    full = full.set_index(full["policy"].map(policy_words)).iloc[1:]
    # in the sentence's order: those whose savings rise, then those whose savings fall
    moved = pd.concat([full[full["net_savings_difference_low"] > 0], full[full["net_savings_difference_high"] < 0]])
    unmeasured = list(moved.index[moved["net_savings_difference_parameter_share"] == 0])
    assert unmeasured, "the FAST run of the stored notebook has a change in net savings whose doubt the draws could not measure"
    draws = int(full["draws"].iloc[0])
    said = f"For {_listed(unmeasured)}, the doubt about the assumptions could not be measured with {draws} draws, so whether the change in net savings holds"
    assert said in text, text


@pytest.mark.notebook
def test_notebook_02_gives_the_cost_per_point_of_collapse_avoided_in_its_table_as_its_best_value_sentence_does() -> None:
    """The table gave the cost per point of collapse avoided to two decimals: Staged scope and Open motivations both read 0.02,
    while the interpretation (and the forest plot) called Staged scope the best value 'at GBP 0.017 m per percentage point':
    the table could not show which was cheaper. It gives three decimals, as the sentence and the plot do, and the interval."""
    notebook, folder = executed("02_our_partnership_what_if.ipynb")
    text = text_output(_interpretation(notebook)[1])
    claim = re.search(r"best value: .+?, at GBP (\d+\.\d+) m per percentage point of collapse avoided \(95% interval (\d+\.\d+) to (\d+\.\d+)\)", text)
    assert claim, text
    (table,) = [cell for cell in code_cells(notebook) if "lever_effects" not in cell.source and "HELPS, FIRST" in cell.source]
    shown = "".join(output.get("data", {}).get("text/html", "") for output in table.outputs)
    effects = pd.read_csv(folder / "our_partnership" / "lever_effects.csv").set_index("lever")
    costs = effects[["cost per point of collapse avoided (GBP m)", "cost per point low", "cost per point high"]].dropna()
    for value in costs.to_numpy().ravel():
        assert f">{value:.3f}<" in shown, f"{value:.3f} not in the table as shown"
    pays = effects["net savings difference low"] > 0
    cheapest = costs[~pays.loc[costs.index]].sort_values("cost per point of collapse avoided (GBP m)").iloc[0]
    assert claim.groups() == tuple(f"{v:.3f}" for v in cheapest), (claim.groups(), costs)


@pytest.mark.notebook
def test_notebook_02_says_which_levers_pay_for_themselves_and_ranks_cost_per_point_only_where_measurable() -> None:
    """'The best value: Staged scope, at GBP 0.017 m per percentage point of collapse avoided' ranked the levers by cost per point
    alone (FAST run, the councils as stored): Open motivations, which lowers collapse and net of its cost measurably raises
    savings (+0.03, 95% interval +0.004 to +0.05), pays for itself and is the better buy; it is now said so first, and the
    others are ranked only as far as the paired comparison of their costs per point tells them apart."""
    notebook, folder = executed("02_our_partnership_what_if.ipynb")
    text = text_output(_interpretation(notebook)[1])
    effects = pd.read_csv(folder / "our_partnership" / "lever_effects.csv").set_index("lever")
    helps = effects[effects["collapse difference high"] < 0]
    pays = list(helps.index[helps["net savings difference low"] > 0])
    assert pays == ["Open motivations"], helps  # the run this test describes
    assert re.search(
        r"The best value: Open motivations( \([^)]*\))? pays for itself: it lowers collapse and, net of its cost, savings measurably rise\.", text
    ), text
    rest = helps.drop(index=pays).sort_values("cost per point of collapse avoided (GBP m)")
    # which levers each is measurably cheaper than per point, on the paired replications (comparison.parquet's collapse_cheaper_than)
    full = pd.read_csv(folder / "our_partnership" / "comparison_full.csv", keep_default_na=False)
    cheaper = {policy_words(p): {policy_words(other) for other in str(c).split()} for p, c in zip(full["policy"], full["collapse_cheaper_than"], strict=True)}
    close = [rest.index[0], *(lever for lever in rest.index[1:] if lever not in cheaper[rest.index[0]])]
    if len(close) == 1:
        assert (
            f"Of the others, the best value: {close[0]}" in text
            and "measurably less than any of the others (on the same simulated partnerships, the 95% interval" in text
        ), text
    else:
        assert "cannot be told apart at these replications" in text and all(lever in text.split("Of the others")[1] for lever in close), text


@pytest.mark.notebook
def test_notebook_02_qualifies_its_best_lever_and_best_value_where_the_total_interval_does_not_back_them() -> None:
    """'The best value: Staged scope, at GBP 0.017 m per percentage point of collapse avoided' stood alone although two sentences
    above Staged scope 'no longer measurably lowers it once that doubt is counted': pasted on its own it claimed more. A lever said
    to pay for itself is qualified for its rise in net savings too."""
    notebook, folder = executed("02_our_partnership_what_if.ipynb")
    text = text_output(_interpretation(notebook)[1])
    effects = pd.read_csv(folder / "our_partnership" / "lever_effects.csv").set_index("lever")
    helps = effects[effects["collapse difference high"] < 0]
    assert not helps.empty
    measured = helps[FROM_PARAMETERS] > 0
    fragile = set(helps.index[measured & (helps["collapse difference total high"] >= 0)])
    # the levers it names as the best value (those it tells the cheapest from are named after "measurably less than any of the others")
    value = text.split("The best value: ", 1)[1].split("\n")[0].split(", measurably less than any of the others")[0]
    named = [lever for lever in helps.index if lever in value]
    assert named, value
    for lever in named:
        caveat = re.search(re.escape(lever) + r"( \(though [^)]*\))?", value).group(1) or ""
        assert ("it no longer measurably lowers collapse" in caveat) == (lever in fragile), (lever, caveat)
        assert ("whether it still lowers collapse" in caveat) == (not measured[lever]), (lever, caveat)
        row = effects.loc[lever]
        if row["net savings difference low"] > 0:  # said to pay for itself
            assert ("its net savings still rise" in caveat) == (row[effect_column("parameter_share", "net savings")] == 0), (lever, caveat)
            doubtful = row["net savings difference total low"] <= 0
            assert ("its rise in net savings could be zero" in caveat) == doubtful, (lever, caveat)


def _lever_row(policy: str, **figures: float) -> dict[str, Any]:
    """A row of ``sim.compare``'s comparison for ``policy``: by default a lever that measurably lowers collapse (-2 points, -3 to
    -1, the total interval -3.5 to -1.2), with no measurable effect on failure, shelving or net savings, each spread measured."""
    row: dict[str, Any] = {"policy": policy, "lever_cost": 0.04, "draws": 24, "collapse_best_share": 0.5, "net_savings": 1.0}
    for measure, (value, low, high) in {"collapse": (0.10, 0.09, 0.11), "failure": (0.30, 0.28, 0.32), "shelved": (0.2, 0.18, 0.22)}.items():
        row |= {measure: value, f"{measure}_low": low, f"{measure}_high": high, f"{measure}_total_low": low - 0.01, f"{measure}_total_high": high + 0.01}
        row[f"{measure}_parameter_share"] = 0.3
    changes = {"collapse": (-0.02, -0.03, -0.01, -0.035, -0.012), "failure": (-0.01, -0.02, 0.005, -0.025, 0.01), "shelved": (0.0, -0.01, 0.01, -0.015, 0.015)}
    changes |= {"net_savings": (-0.01, -0.03, 0.01, -0.04, 0.02)}
    for measure, (value, low, high, total_low, total_high) in changes.items():
        name = f"{measure}_difference"
        row |= {name: value, f"{name}_low": low, f"{name}_high": high, f"{name}_total_low": total_low, f"{name}_total_high": total_high}
        row |= {f"{name}_parameter_share": 0.2, f"{name}_helps": 0.9, f"{name}_unchanged": 0.0}
    return row | figures


def _interpret(levers: dict[str, dict[str, float]], edit: Any = None) -> str:
    """Notebook 02's interpretation of a comparison of ``levers`` (each a :func:`_lever_row`'s changed figures) with doing nothing:
    its imports, table of effects, ranking and interpretation cells run as they stand, without a kernel or a simulation, and
    ``edit`` (if given) applied to the cells' names after the table is made."""
    from types import SimpleNamespace

    cells = code_cells(read("02_our_partnership_what_if.ipynb"))
    setup = ast.parse("\n".join(line for line in cells[0].source.splitlines() if not line.startswith("%")))
    names: dict[str, Any] = {}
    exec(compile(ast.Module(body=[node for node in setup.body if isinstance(node, ast.Import | ast.ImportFrom)], type_ignores=[]), "<imports>", "exec"), names)
    reference = {name: (float("nan") if "_difference" in name or name == "collapse_best_share" else value) for name, value in _lever_row("none").items()}
    comparison = pd.DataFrame([reference | {"lever_cost": 0.0}] + [_lever_row(policy, **figures) for policy, figures in levers.items()])
    order = {"order": list(levers), "tied": {}, "draws": 24, "same_ranking": 0.8, "raw_same_ranking": 0.7, "halves_same_ranking": 0.6}
    comparison.attrs["ranking"] = {"collapse": order if len(levers) > 1 else None}
    ours = SimpleNamespace(partnership=SimpleNamespace(horizon_months=120), councils=[SimpleNamespace(name="Our District")], drawn=lambda: True)
    names |= {"comparison": comparison, "ours": ours, "REPLICATIONS": 600, "UNCERTAINTY": "posterior", "display": lambda *args, **kwargs: None}
    table, ranking, interpretation = (
        next(cell for cell in cells if key in cell.source) for key in ("HELPS, FIRST", 'comparison.attrs["ranking"]', "interpretation = ")
    )
    for cell in (table, ranking):
        exec(cell.source, names)
    if edit is not None:
        edit(names)
    exec(interpretation.source, names)
    return names["interpretation"]


#: A lever the doubt about the assumptions leaves measurably lowering collapse, one it does not, one whose doubt the draws could not measure.
ROBUST, FRAGILE = {}, {"collapse_difference_total_high": 0.004}
UNMEASURED = {"collapse_difference_parameter_share": 0.0, "collapse_difference_total_low": -0.03, "collapse_difference_total_high": -0.01}


def test_notebook_02_reads_failure_and_shelving_from_its_own_table_and_net_savings_from_the_comparisons_rows() -> None:
    """The interpretation built ``by_lever = comparison.set_index(...)``, a second frame of the comparison, only to fetch the failure
    and net savings 'from parameters' shares and the shelved difference's high end that the table of effects left out. The table
    has the failure and shelving figures, and the interpretation reads them there: change them in the table alone and its sentences
    follow. Net savings are not read from the table: what the levers do to them is said by sim.analysis.comparison's money_changes
    and money_words from the comparison's rows (as lever_values says each lever's value: one rule, not a second copy in the
    notebook), so changing the table's money share leaves that sentence as it was."""
    raises_failure = {"failure_difference": 0.02, "failure_difference_low": 0.01, "failure_difference_high": 0.03}
    raises_failure |= {"failure_difference_total_low": 0.005, "failure_difference_total_high": 0.035}
    raises_collapse = {"collapse_difference": 0.02, "collapse_difference_low": 0.01, "collapse_difference_high": 0.03, "shelved_difference_high": -0.005}
    raises_collapse |= {"net_savings_difference": 0.03, "net_savings_difference_low": 0.004, "net_savings_difference_high": 0.05}
    raises_collapse |= {"net_savings_difference_total_low": 0.004, "net_savings_difference_total_high": 0.05, "net_savings_difference_parameter_share": 0.0}
    levers = {"staged_scope": raises_failure, "reputation_first": raises_collapse}
    failure = "Staged scope +2.0 points, 95% interval +1.0 to +3.0"
    launched = "Reputation first also measurably lowers the chance that the proposal is shelved"
    money = "For Reputation first, the doubt about the assumptions could not be measured with 24 draws, so whether the change in net savings holds"
    text = _interpret(levers)
    assert f"({failure}, total interval +0.5 to +3.5)" in text and launched in text and money in text, text

    def table(names: dict[str, Any]) -> None:
        effects = names["effects"]
        assert (effects.loc["Staged scope", names["FAILURE_FROM_PARAMETERS"]], effects.loc["Reputation first", "shelved difference high"]) == (20.0, -0.5)
        effects.loc["Staged scope", names["FAILURE_FROM_PARAMETERS"]] = 0.0
        effects.loc["Reputation first", "shelved difference high"] = 0.5

    text = _interpret(levers, table)
    unmeasured = "though the doubt about the assumptions could not be measured with 24 draws, so whether the rise holds once that doubt is counted is not known"
    assert f"({failure}, {unmeasured})" in text and launched not in text, text
    assert money in text, "what the levers do to net savings is said by sim.analysis.comparison.money_words from the comparison's rows"


def test_notebook_02_explains_an_unmeasured_doubt_where_only_the_rank_of_the_cheapest_lever_is_not_known() -> None:
    """The paragraph on doubt the draws could not measure ('no spread beyond Monte Carlo noise was detected ...') was written only
    for the no-lever chances, the drops in collapse and the changes in net savings: where only the cheapest lever's rank was
    "untested", the best value said "is not known" with nothing to explain it. It now counts that rank too, as the best value says it."""
    cheaper = {"collapse_cheaper_than": "open_motivations", "collapse_cheaper_than_lost": ""}
    levers = {
        "staged_scope": cheaper | {"collapse_cheaper_than_untested": "open_motivations"},
        "open_motivations": {"lever_cost": 0.08, "collapse_cheaper_than": ""},
    }
    paragraph = "Where the doubt about the assumptions could not be measured with 24 draws, no spread beyond Monte Carlo noise was detected"
    text = _interpret(levers)
    assert "Whether it stays cheaper than Open motivations once the doubt about the assumptions is counted is not known." in text, text
    assert paragraph in text, text
    lost = {"staged_scope": cheaper | {"collapse_cheaper_than_lost": "open_motivations", "collapse_cheaper_than_untested": ""}}
    text = _interpret(lost | {"open_motivations": levers["open_motivations"]})
    assert "it cannot be told from Open motivations" in text and paragraph not in text, text


def test_notebook_02_names_no_largest_effect_where_it_says_which_lever_lowers_collapse_most_is_unclear() -> None:
    """Read as a committee paper (FAST run, the councils as stored): "The largest effect on collapse: IT harmonisation first" stood
    two paragraphs above "which lever lowers collapse the most is unclear: the run cannot tell the best lever from the next" (IT
    harmonisation first -3.0 points, 95% interval -4.4 to -1.6; Staged scope -2.5, -3.9 to -1.1; every share ranked first
    unclear). The largest effect is named only where the run settles which lever is first; the list of levers gives them largest first."""
    levers = {"it_harmonisation_first": {"collapse_difference": -0.03}, "staged_scope": {"collapse_difference": -0.025}}
    unclear = {lever: figures | {"collapse_best_share": float("nan")} for lever, figures in levers.items()}
    text = _interpret(unclear)
    assert "which lever lowers collapse the most is unclear" in text and "The largest effect on collapse" not in text, text
    assert "\nThe best value: " in text, text
    assert "The largest effect on collapse: IT harmonisation first. The best value: " in _interpret(levers)


def test_notebook_02_prints_the_colleagues_command_quoted_as_a_shell_reads_it(tmp_path, capsys) -> None:
    """Notebook 02 printed "A colleague runs: sim-compare ... policies=[none,it_harmonisation_first] ..." unquoted: a shell reads
    [...] as a file pattern, so zsh (macOS's shell) refuses the line ("no matches found"), bash -O failglob too ("no match"), and
    plain bash turns it into a file's name where one matches (a file policies=n made it "policies=n"). It is printed quoted."""
    import shlex
    from types import SimpleNamespace

    (cell,) = [cell.source for cell in code_cells(read("02_our_partnership_what_if.ipynb")) if "A colleague runs" in cell.source]
    saved = tmp_path / "ours.yaml"
    saved.write_text("councils: []\n")
    names = {
        "ours": SimpleNamespace(save=lambda path: saved),
        "OUT": Path("our partnership"),
        "helps": pd.DataFrame(index=["IT harmonisation first"]),
        "effects": pd.DataFrame(index=["IT harmonisation first"]),
        "POLICIES": ["none", "it_harmonisation_first"],
        "policy_words": policy_words,
        "REPLICATIONS": 600,
        "SEED": 1,
        "UNCERTAINTY": "posterior",
    }
    exec("import shlex\n" + cell, names)
    printed = capsys.readouterr().out.split("A colleague runs:\n")[1].splitlines()
    assert shlex.split(printed[0]) == names["command"], printed[0]
    assert "'policies=[none,it_harmonisation_first]'" in printed[0] and shlex.split(printed[1]) == ["sim-report", "our partnership/colleague"], printed


def test_notebook_02_words_the_one_lever_case_one_way_and_the_doubt_about_collapse_in_clauses() -> None:
    """The sentence on collapse counting the doubt about the assumptions was a three-level conditional testing len(measured) > 1
    twice, and the one-lever case was worded in three places (of_levers, ``none = ...``, ``moves = ...``). The sentence joins its
    clauses with "; ", its "of the N whose..." only for N > 1, and one lever is "the one lever compared" in every sentence."""
    rises = {"net_savings_difference": 0.03, "net_savings_difference_low": 0.004, "net_savings_difference_high": 0.05}
    one = _interpret({"continuity_plan": rises}).split("\n\n")
    lowers = "The one lever compared measurably lowers the chance of collapse: Continuity plan (-2.0 points, 95% interval -3.0 to -1.0, at GBP 0.04 m"
    assert f"{lowers} a partnership)." in one, one
    assert "Counting the doubt about the model's assumptions as well (the total interval), Continuity plan still measurably lowers it." in one, one
    assert any(line.startswith("Once a lever's own cost is paid, savings measurably rise with the one lever compared: Continuity plan (") for line in one), one
    assert not re.search(r"\b1 of 1 levers|of the 1 whose", "\n".join(one)), one
    several = _interpret({"staged_scope": ROBUST, "communications_plan": ROBUST, "open_motivations": FRAGILE, "continuity_plan": UNMEASURED})
    clauses = "Staged scope and Communications plan still measurably lower it; Open motivations no longer measurably lowers it."
    assert f"(the total interval), of the 3 whose spread across the draws could be measured, {clauses}" in several, several
    assert "Staged scope, Communications plan, Open motivations and Continuity plan tie" in several, "listed as a sentence lists them"
    alone = _interpret({"staged_scope": FRAGILE, "continuity_plan": UNMEASURED})
    assert "Counting the doubt about the model's assumptions as well (the total interval), Staged scope no longer measurably lowers it." in alone, alone


def test_notebook_02_says_what_a_blank_cell_of_its_csv_files_means() -> None:
    """lever_effects.csv and lever_ranking.csv hold a blank cell where the tables say "no spread seen", "unclear" or "-", and
    the notebook explained only that "not detected" is 0 there. It says what a blank cell means where it describes them."""
    markdown = {cell.source.split("\n", 1)[0]: cell.source for cell in read("02_our_partnership_what_if.ipynb").cells if cell.cell_type == "markdown"}
    table, ranking, files = (
        markdown[f"### {title}"]
        for title in ("Each lever's effect and cost", "How stable is the ranking of the levers?", "For colleagues who live in spreadsheets")
    )
    assert "`no spread seen`,\n`unclear` and `-` are blank cells" in table and "`not detected` is 0" in table, table
    assert "blank cell in\n`lever_ranking.csv`" in ranking, ranking
    assert "A blank cell is what the tables above write in words: `no spread seen`, `unclear` or\n`-`" in files and "`not detected` is 0" in files, files


@pytest.mark.notebook
def test_notebook_02_has_the_figures_its_interpretation_reads_in_its_table_of_effects() -> None:
    """The figures the interpretation reads (failure and net savings' 'from parameters', the shelved difference) are columns of
    lever_effects.csv, so a colleague sees what the text says."""
    _, folder = executed("02_our_partnership_what_if.ipynb")
    columns = list(pd.read_csv(folder / "our_partnership" / "lever_effects.csv", nrows=0).columns)
    wanted = [effect_column("parameter_share", "failure"), effect_column("parameter_share", "net savings"), "shelved difference high", "cost per point low"]
    assert all(column in columns for column in wanted), columns


@pytest.mark.notebook
def test_notebook_02_heads_its_tables_in_words() -> None:
    """The tables (and the CSV files colleagues open) were headed "P(collapse) %", "P(failure) total low %": notation, not words."""
    _, folder = executed("02_our_partnership_what_if.ipynb")
    for name in ("lever_effects.csv", "no_lever.csv"):
        columns = list(pd.read_csv(folder / "our_partnership" / name, nrows=0).columns)
        assert not [c for c in columns if "P(" in c], columns
        assert "chance of collapse %" in columns and "chance of failure %" in columns


@pytest.mark.notebook
def test_notebook_02_gives_no_share_of_draws_lowering_collapse_where_the_draws_show_no_spread() -> None:
    """Where the draws showed no spread beyond Monte Carlo noise, "lowers collapse in % of draws" read 100 (or 0): only the
    sign of the mean effect, not a share of draws measured. It is now empty there ("no spread seen", as sim-compare says)."""
    notebook, folder = executed("02_our_partnership_what_if.ipynb")
    effects = pd.read_csv(folder / "our_partnership" / "lever_effects.csv")
    flat = effects[FROM_PARAMETERS] == 0
    assert effects.loc[flat, HELPS].isna().all()
    assert effects.loc[~flat, HELPS].notna().all()
    (table,) = [cell for cell in code_cells(notebook) if "lever_effects" not in cell.source and "HELPS, FIRST" in cell.source]
    assert "'no spread seen' where the draws show none beyond Monte Carlo noise" in text_output(table)


@pytest.mark.notebook
def test_notebook_02_says_what_each_lever_compared_is_and_is_assumed_to_do() -> None:
    """The cell comparing the levers said what each changed and cost, and pointed to configs/policy/ for what it does: a committee
    reading 'Staged scope' learnt neither what it is, what the model assumes it does, nor how fully it is taken to be carried out.
    A line per lever follows the sentences, with the strength and costs its draws of the assumptions take."""
    notebook, _ = executed("02_our_partnership_what_if.ipynb")
    (cell,) = [cell for cell in code_cells(notebook) if cell.source.startswith("POLICIES = [")]
    text = text_output(cell)
    for lever in ("Agreed decision process", "Staged scope", "IT harmonisation first", "Reputation first"):
        (line,) = [line for line in text.splitlines() if line.startswith(f"  {lever}, from ")]
        assert "What the model assumes it does: " in line and "Carried out at strength 0.6 (0 .. 1: how fully) from month 0; costs GBP " in line, line
        assert "in each draw of the assumptions, strength from 0.3 to 0.9" in line, line


@pytest.mark.notebook
def test_notebook_02_shows_no_money_that_is_not_zero_as_zero() -> None:
    """A measurable rise in net savings read "95% interval +0.00 to +0.05" (the low end was GBP 0.004 m)."""
    notebook, _ = executed("02_our_partnership_what_if.ipynb")
    text = text_output(_interpretation(notebook)[1])
    assert "Once a lever's own cost is paid, savings measurably" in text
    assert not re.search(r"[-+]0\.00(?!\d)", text), re.findall(r"[^;(]*[-+]0\.00(?!\d)[^;)]*", text)


@pytest.mark.notebook
def test_notebook_02_says_so_when_the_draws_cannot_tell_the_levers_apart() -> None:
    """One partnership of two councils (``fixed=True``) and two levers with no clear effect: "best in % of draws" is all unclear."""
    notebook = read("02_our_partnership_what_if.ipynb")
    (describe,) = [cell for cell in code_cells(notebook) if "ours = sim.partnership(" in cell.source]
    describe.source = (
        "ours = sim.partnership([sim.council('Our District', tier='district', size=1.0, it_maturity=0.8, pace=0.6, sovereignty_concern=0.3),"
        " sim.council('Neighbour District', tier='district', size=0.8, it_maturity=0.35, sovereignty_concern=0.7)],"
        " governance='joint_committee', promised_savings=1.5, fixed=True)"
    )
    (levers,) = [cell for cell in code_cells(notebook) if cell.source.startswith("POLICIES = [")]
    levers.source = 'POLICIES = ["none", "reputation_first", "communications_plan"]\n' + levers.source.split("]\n", 1)[1]
    notebook, _ = execute(notebook, "02-unclear")
    errors = [f"{output.ename}: {output.evalue}" for cell in code_cells(notebook) for output in cell.outputs if output.output_type == "error"]
    assert not errors
    text = text_output(_interpretation(notebook)[1])
    assert "lowers collapse the most" in text or "which lever lowers collapse the most is unclear" in text


def test_notebook_02_says_there_is_no_ranking_to_test_when_one_lever_is_compared(capsys) -> None:
    """POLICIES = ["none", "continuity_plan"] (the cell above invites taking levers out) stopped the ranking cell with
    TypeError: 'NoneType' object is not subscriptable: sim.compare gives no ranking for a single lever. It now says so in one line."""
    from types import SimpleNamespace

    (cell,) = [cell for cell in code_cells(read("02_our_partnership_what_if.ipynb")) if 'comparison.attrs["ranking"]' in cell.source]
    comparison = SimpleNamespace(attrs={"ranking": {"shelved": None, "collapse": None, "failure": None}})
    names = {"comparison": comparison, "pd": pd, "policy_words": policy_words}
    _last_value(cell.source, names).to_html()
    assert "Only one lever is compared, so there is no ranking of levers to test" in capsys.readouterr().out
    assert names["ranking"].empty and "same ranking in % of draws" in names["ranking"].columns


def test_notebook_02_joins_levers_of_the_same_effect_in_its_ranking_as_sim_compare_does() -> None:
    """The shelved row read "Agreed decision process, Open motivations, Continuity plan, IT harmonisation first, ..." though every lever
    but the first changed no partnership (tied at 0): listed as if ordered. sim-compare writes "Open motivations = Continuity plan"."""
    from types import SimpleNamespace

    from sim.analysis.comparison import order_words

    (cell,) = [cell for cell in code_cells(read("02_our_partnership_what_if.ipynb")) if 'comparison.attrs["ranking"]' in cell.source]
    levers = ["agreed_decision_process", "open_motivations", "continuity_plan"]
    tied = {"agreed_decision_process": [], "open_motivations": ["continuity_plan"], "continuity_plan": ["open_motivations"]}
    shelved = {"order": levers, "tied": tied, "draws": 24, "same_ranking": 0.96, "raw_same_ranking": 0.92, "halves_same_ranking": 0.83}
    comparison = SimpleNamespace(attrs={"ranking": {"shelved": shelved}})
    names = {"comparison": comparison, "pd": pd, "policy_words": policy_words, "order_words": order_words}
    _last_value(cell.source, names)
    assert names["ranking"].loc["shelved", "levers, best first"] == "Agreed decision process, Open motivations = Continuity plan"


@pytest.mark.notebook
def test_notebook_02_runs_to_its_interpretation_with_one_lever() -> None:
    """With one lever the interpretation read ``ranking.loc["collapse"]`` of an empty table: it now leaves out which lever does most.
    It then counted the one lever as "1 of 1 levers measurably lowers" (or "None of the 1 levers"): now "the one lever compared",
    the one wording every sentence that counts levers gives it."""
    notebook = read("02_our_partnership_what_if.ipynb")
    (levers,) = [cell for cell in code_cells(notebook) if cell.source.startswith("POLICIES = [")]
    levers.source = 'POLICIES = ["none", "continuity_plan"]\n' + levers.source.split("]\n", 1)[1]
    notebook, _ = execute(notebook, "02-one-lever")
    errors = [f"{output.ename}: {output.evalue}" for cell in code_cells(notebook) for output in cell.outputs if output.output_type == "error"]
    assert not errors, errors
    text = text_output(_interpretation(notebook)[1])
    assert "Continuity plan" in text and "lowers collapse the most" not in text and "order by effect" not in text, text
    assert re.search(r"(The|the) one lever compared|No lever compared", text) and not re.search(r"\b1 of 1 levers|None of the 1 levers|of the 1 whose", text), (
        text
    )


@pytest.mark.notebook
def test_notebook_02_says_all_levers_and_a_single_claim_once_with_three_levers_and_a_council_of_low_it_maturity() -> None:
    """The what-if a policy officer makes (h125): Neighbour District's IT maturity 0.15, three levers. The interpretation read
    "3 of 3 levers measurably lower the chance of collapse", and, the one lever whose doubt the draws measured losing its effect,
    "Counting the doubt about the model's assumptions as well (the total interval), Staged scope no longer measurably lowers it
    once that doubt is counted": the doubt counted twice in one sentence. Now "All 3 levers" and the sentence says it once."""
    notebook = read("02_our_partnership_what_if.ipynb")
    (describe,) = [cell for cell in code_cells(notebook) if cell.source.startswith("ours = sim.partnership(")]
    describe.source = describe.source.replace("it_maturity=0.35", "it_maturity=0.15")
    (levers,) = [cell for cell in code_cells(notebook) if cell.source.startswith("POLICIES = [")]
    levers.source = 'POLICIES = ["none", "it_harmonisation_first", "staged_scope", "open_motivations"]\n' + levers.source.split("]\n", 1)[1]
    notebook, folder = execute(notebook, "02-three-levers")
    text = text_output(_interpretation(notebook)[1])
    effects = pd.read_csv(folder / "our_partnership" / "lever_effects.csv").set_index("lever")
    assert (effects["collapse difference high"] < 0).all(), effects  # the run this test describes: each lever lowers collapse
    assert "All 3 levers measurably lower the chance of collapse: " in text and "3 of 3" not in text, text
    (claim,) = [line for line in text.split("\n") if line.startswith("Counting the doubt about the model's assumptions as well")]
    assert claim.count("doubt") == 1, claim


def test_notebook_02_refuses_uncertainty_none_in_one_line_naming_what_it_needs(tmp_path, monkeypatch) -> None:
    """UNCERTAINTY = "none", which the setup cell's comment offered ("holds them at their stated values"), ran the comparison and then
    stopped the table cell with KeyError: 'collapse_difference_total_low' (no total interval without draws of the assumptions)."""
    from sim.config.checks import ConfigError

    setup = code_cells(read("02_our_partnership_what_if.ipynb"))[0].source
    line = 'UNCERTAINTY = "posterior" if shipped_path().is_file() else "prior"\n'
    assert line in setup
    monkeypatch.chdir(tmp_path)  # the cell makes its output folder here
    source = "\n".join(row for row in setup.replace(line, 'UNCERTAINTY = "none"\n').splitlines() if not row.startswith("%"))
    with pytest.raises(ConfigError) as refused:
        exec(source, {})
    (problem,) = refused.value.problems
    assert problem.startswith("UNCERTAINTY = 'none': this notebook needs 'posterior' or 'prior'") and "sim-compare" in problem, problem
    assert not (tmp_path / "our_partnership").exists(), "refused before it writes anything"


@pytest.mark.notebook
def test_notebook_02_says_when_a_lever_that_lowers_collapse_raises_failure() -> None:
    """Our councils drawn from scenario case06_district_county (as the notebook suggests): the interpretation called Staged scope
    "the largest effect on collapse" and "the best value" and said nothing of its raising the chance of failure of any kind
    (+2.3 points, 95% interval +0.6 to +4.0, in its sentence above): fewer collapse, more end shelved or underperforming.
    It then said "measurably raises" from the Monte Carlo interval alone, though the notebook runs with draws of the assumptions:
    the claim now follows the total interval too, as the sentences on collapse do (the rise could be zero, or is not known)."""
    notebook = read("02_our_partnership_what_if.ipynb")
    (describe,) = [cell for cell in code_cells(notebook) if cell.source.startswith("ours = sim.partnership(")]
    describe.source = describe.source.replace("    promised_savings=1.5,\n", '    promised_savings=1.5,\n    scenario="case06_district_county",\n')
    notebook, folder = execute(notebook, "02-case06")
    text = text_output(_interpretation(notebook)[1])
    effects = pd.read_csv(folder / "our_partnership" / "lever_effects.csv").set_index("lever")
    failing = effects[(effects["collapse difference high"] < 0) & (effects["failure difference low"] > 0)]
    assert "Staged scope" in failing.index, effects
    assert f"Yet {_listed(list(failing.index))} measurably raise" in text, text
    full = pd.read_csv(folder / "our_partnership" / "comparison_full.csv")
    share = full.set_index(full["policy"].map(policy_words))["failure_difference_parameter_share"]
    claim = text.split(f"Yet {_listed(list(failing.index))} measurably raise", 1)[1].split("\n")[0]
    rises = claim.split("underperforming (", 1)[1].rsplit("): with", 1)[0].split("; ")  # one a lever, in the table's order
    assert len(rises) == len(failing) and all(said.startswith(f"{lever} ") for said, lever in zip(rises, failing.index, strict=True)), claim
    for said, (lever, row) in zip(rises, failing.iterrows(), strict=True):
        if row["failure difference total low"] <= 0:
            assert ", though counting the doubt about the assumptions the rise could be zero: total interval " in said, said
        elif share[lever] == 0:
            assert ", so whether the rise holds once that doubt is counted is not known" in said, said
        else:
            assert ", total interval " in said and "though" not in said, said
    holds = ((failing["failure difference total low"] > 0) & (share[failing.index] > 0)).all()
    assert f"fewer partnerships collapse but more {'end' if holds else 'may end'} shelved or underperforming." in text, text


@pytest.mark.notebook
def test_notebook_02_says_why_a_lever_that_lowers_shelving_may_raise_collapse() -> None:
    """Two councils of our own (the county taken out, a risk-averse neighbour): the interpretation said "Measurably raising the
    chance of collapse: Agreed decision process (+1.8 points, ...)" and no more, though that lever lowered the chance of being
    shelved by 13 points and of failure by 8: more proposals go ahead, and only a launched partnership can collapse, as the
    lever's own sentence above said."""
    notebook = read("02_our_partnership_what_if.ipynb")
    (describe,) = [cell for cell in code_cells(notebook) if cell.source.startswith("ours = sim.partnership(")]
    county = '        sim.council("The County", tier="county", size=4.0, it_maturity=0.6),\n'
    assert county in describe.source and "it_maturity=0.35," in describe.source
    describe.source = describe.source.replace(county, "").replace("it_maturity=0.35,", "it_maturity=0.35, risk_appetite=0.2,")
    notebook, folder = execute(notebook, "02-two-councils")
    text = text_output(_interpretation(notebook)[1])
    assert "Measurably raising the chance of collapse: Agreed decision process" in text, text
    assert "Agreed decision process also measurably lowers the chance that the proposal is shelved: more proposals go ahead" in text, text
    effects = pd.read_csv(folder / "our_partnership" / "lever_effects.csv").set_index("lever")
    harms = effects[effects["collapse difference low"] > 0]
    uncertain = list(harms.index[harms["collapse difference total low"] <= 0])
    assert ("the rise in collapse could be zero for" in text) == bool(uncertain), text


@pytest.mark.parametrize("name", ["02_our_partnership_what_if.ipynb", "03_seven_failure_modes.ipynb"])
def test_the_notebooks_name_the_effect_across_draws_as_sim_compare_does_from_the_analysis_layer(name: str) -> None:
    """Notebook 02 headed sim-compare's 'helps in', 'ranked first' and 'from parameters' "lowers collapse in % of draws", "best in %
    of draws" and "collapse spread from assumptions %" (notebook 03 "spread from assumptions"), each name and definition typed
    again: both now take the names from sim.analysis.comparison, and notebook 02 prints sim-compare's definitions."""
    notebook = read(name)
    typed = ("lowers collapse in", "best in % of draws", "spread from assumptions", "helps in", "ranked first", "from parameters")
    for cell in notebook.cells:
        assert not [words for words in typed if words in cell.source], f"{name}: a column's name typed in a cell: {cell.source[:200]}"
    assert any("EFFECT_COLUMNS" in cell.source or "effect_column(" in cell.source for cell in code_cells(notebook))
    if name.startswith("02"):
        assert any("effect_words()" in cell.source for cell in code_cells(notebook)), "the definitions come from the analysis layer"


def test_notebook_03_says_its_closing_table_has_total_intervals() -> None:
    """Its opening said each lever's interval is Monte Carlo and that notebook 02 adds total intervals, above sentences
    quoting a total interval and a closing table with 'total low' and 'total high'."""
    opening = read("03_seven_failure_modes.ipynb").cells[0].source
    assert "notebook 02 adds total intervals" not in opening
    assert "the closing table gives each lever's total\ninterval" in opening
    closing = next(cell.source for cell in code_cells(read("03_seven_failure_modes.ipynb")) if "results[case_id] = {" in cell.source)
    assert '"total low"' in closing and '"total high"' in closing


@pytest.mark.notebook
def test_notebook_03_names_levers_by_their_titles_and_ranks_only_causes_that_occurred() -> None:
    notebook, folder = executed("03_seven_failure_modes.ipynb")
    text = "".join(text_output(cell) for cell in code_cells(notebook))
    assert "IT harmonisation first" in text and " it harmonisation" not in text
    owns = re.findall(r"(\d+(?:\.\d+)?)% had the case's own mechanism as their cause: ([^.]+)\.", text)
    assert len(owns) == 7
    for share, where in owns:
        assert (float(share) == 0) == (where == "it was never the cause"), f"{share}%: {where}"
    overview = pd.read_csv(folder / "seven_failure_modes.csv")
    assert not overview["lever"].str.contains("_").any(), list(overview["lever"])
    assert list(overview["case"]) == [f"case 0{n}" for n in range(1, 8)], "written 01, a spreadsheet (and read_csv) read the case as 1"


@pytest.mark.notebook
def test_notebook_03_says_how_many_levers_still_lower_failure_once_the_doubt_about_the_assumptions_is_counted() -> None:
    """'the key learning measurably lowered the chance of failure in 6 of 7 cases' counted only Monte Carlo intervals, though the
    notebook runs with parameter draws: its table had no total interval and its sentence claimed more than the intervals allow."""
    notebook, folder = executed("03_seven_failure_modes.ipynb")
    overview = pd.read_csv(folder / "seven_failure_modes.csv").set_index("case").rename(index=lambda case: case.removeprefix("case "))
    assert {"total low", "total high"} <= set(overview.columns) and overview["total high"].notna().all()
    assert (overview["total low"] <= overview["low"] + 1e-9).all() and (overview["total high"] >= overview["high"] - 1e-9).all()
    (text,) = [text_output(cell) for cell in code_cells(notebook) if cell.source.startswith("helped = overview")]
    helped = overview[overview["high"] < 0]
    measured = helped[helped[EFFECT_COLUMNS["parameter_share"]] > 0]
    if len(measured):
        robust = measured[measured["total high"] < 0]
        still = f"it still measurably lowered it in {len(robust) or 'none'} of the {len(measured)} whose spread across the draws could be measured"
        assert still in text, text
    unmeasured = helped[helped[EFFECT_COLUMNS["parameter_share"]] == 0]
    if len(unmeasured):
        assert f"{', '.join(unmeasured.index)} these draws could not measure that doubt" in text, text


def test_notebook_03_closes_without_parentheses_inside_parentheses_or_a_count_of_zero(capsys) -> None:
    """Read as a committee paper (FAST): "With 300 simulated partnerships per scenario (the model's assumptions drawn from the
    calibrated posterior (those calibrated) and their plausible ranges (the rest)), ... it still measurably lowered it in 0 of the
    3 whose spread across the draws could be measured". It reads "drawn from the calibrated posterior where calibrated, their
    plausible ranges elsewhere" and "in none of the 3"."""
    from sim.analysis.stats import undetected

    notebook = read("03_seven_failure_modes.ipynb")
    (drawn,) = [line for line in code_cells(notebook)[0].source.splitlines() if line.startswith("DRAWN_FROM = ")]
    (closing,) = [cell.source for cell in code_cells(notebook) if cell.source.startswith("helped = overview")]
    overview = pd.DataFrame(
        {"difference (points)": [-29.0, -13.7, -3.3], "low": [-34.0, -17.5, -5.4], "high": [-23.7, -9.7, -1.2]},
        index=pd.Index(["04", "05", "07"], name="case"),
    )
    overview["total high"], overview[EFFECT_COLUMNS["parameter_share"]] = [13.3, 6.6, 4.9], [0.99, 0.96, 0.93]
    names = {"overview": overview, "REPLICATIONS": 300, "UNCERTAINTY": "posterior", "FROM_PARAMETERS": EFFECT_COLUMNS["parameter_share"]}
    exec(drawn, names)
    exec(closing, names | {"undetected": undetected})
    text = capsys.readouterr().out.splitlines()[0]
    depth = 0
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        assert depth <= 1, text
    assert "it still measurably lowered it in none of the 3 whose spread" in text, text


@pytest.mark.notebook
def test_notebook_04_gives_the_sweeps_figures_with_intervals_and_its_table_in_words() -> None:
    """The sweep's sentences read "from 11.5% (gap 0.00, ...) to 26.0%" and "15.5% with no gap and 21.0% with a gap", with no
    interval; its table showed code names (``outcomes.collapsed.low``) and raw fractions to six decimals."""
    notebook, _ = executed("04_sweeps_sensitivity_calibration.ipynb")
    (table,) = [cell for cell in code_cells(notebook) if 'read_parquet(sweep_dir / "sweep.parquet")' in cell.source]
    (shown,) = [output for output in table.outputs if output.output_type == "execute_result"]
    header = shown.data["text/plain"].splitlines()[0]
    assert "outcomes." not in header and "councils." not in header, header
    assert "95% interval" in shown.data["text/html"]
    (sentences,) = [text_output(cell) for cell in code_cells(notebook) if "Across the" in cell.source]
    assert re.search(r"runs from [\d.]+% \(95% interval [\d.]+% to [\d.]+%; gap", sentences), sentences
    changes = re.findall(r"([-+][\d.]+) points \(95% interval ([-+][\d.]+) to ([-+][\d.]+), paired on the same replications\)", sentences)
    assert len(changes) == 2, sentences
    for value, low, high in changes:
        assert float(low) <= float(value) <= float(high)


def _last_value(source: str, names: dict[str, Any]) -> Any:
    """What a cell shows: its code run in ``names`` and the value of its last expression."""
    tree = ast.parse(source)
    *body, last = tree.body
    exec(compile(ast.Module(body=body, type_ignores=[]), "<cell>", "exec"), names)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), names)


def test_notebook_02_shows_what_each_stated_attribute_means_in_practice_in_full() -> None:
    """The table of what 0.3 and 0.7 mean for the attributes we stated cut each text at 50 characters ("0.3: ageing, fragmented
    systems, little standa..."): the very words the cell is there to show."""
    from dataclasses import fields
    from types import SimpleNamespace

    from sim.core.params import CouncilParams

    (cell,) = [cell for cell in code_cells(read("02_our_partnership_what_if.ipynb")) if '"in practice"' in cell.source]
    ours = SimpleNamespace(stated=["councils[0].it_maturity", "councils[1].sovereignty_concern", "partnership.governance"])
    shown = _last_value(cell.source, {"fields": fields, "CouncilParams": CouncilParams, "pd": pd, "ours": ours})._repr_html_()
    for name in ("it_maturity", "sovereignty_concern"):
        practice = next(f.metadata["spec"].practice for f in fields(CouncilParams) if f.name == name)
        assert len(practice) > 50 and practice.replace("'", "&#x27;") in shown.replace("'", "&#x27;"), practice


def test_notebook_02_refuses_in_one_line_a_list_of_levers_that_does_not_start_with_no_lever() -> None:
    """With 'none' taken out of POLICIES, the first lever became the reference and every table and sentence below called it
    "no lever" and "doing nothing"."""
    from types import SimpleNamespace

    from sim.config.checks import ConfigError
    from sim.config.settings import NO_POLICY

    (cell,) = [cell for cell in code_cells(read("02_our_partnership_what_if.ipynb")) if cell.source.startswith("POLICIES = [")]
    lists = cell.source.split("]\n", 1)[1]
    compared = SimpleNamespace(attrs={"levers": []})  # what sim.compare's frame carries that the cell reads
    names = {"sim": SimpleNamespace(compare=lambda *args, **kwargs: compared), "sentence": lambda *args, **kwargs: "", "ours": None}
    names |= {"ConfigError": ConfigError, "NO_POLICY": NO_POLICY, "REPLICATIONS": 2, "SEED": 1, "UNCERTAINTY": "none", "REPLICATIONS_PER_DRAW": 1}
    with pytest.raises(ConfigError) as refused:
        exec('POLICIES = ["continuity_plan", "staged_scope"]\n' + lists, dict(names))
    assert refused.value._render_traceback_() == [
        "ConfigError: POLICIES = ['continuity_plan', 'staged_scope']: put 'none' first, the reference each lever is compared with"
    ]
    exec(f'POLICIES = ["{NO_POLICY}", "continuity_plan"]\n' + lists, dict(names))


def test_notebook_01_shows_the_ensembles_first_rows_in_words() -> None:
    """Its first table read "case02_decision_slippage", "chief_executive_leaving" and money to six decimals (6.798933) under the
    column names of the code (end_month, business_case), with no word on what a row is."""
    from types import SimpleNamespace

    from sim.frontends.narrative import explain, trigger_words

    notebook = read("01_quickstart.ipynb")
    (cell,) = [cell for cell in code_cells(notebook) if "sim.run_ensemble(" in cell.source]
    rows = pd.DataFrame(
        {
            "rep": [0, 1],
            "outcome": ["shelved", "sustained"],
            "end_month": [21, 120],
            "cause": ["case02_decision_slippage", "none"],
            "trigger": ["chief_executive_leaving", "none"],
            "business_case": [0.041596, 6.798933],
            "realised_savings": [0.0, 3.644001],
            "net_savings": [0.0, 1.510885],
            "c0_it_maturity": [0.5, 0.6],
        }
    )
    names = {"sim": SimpleNamespace(run_ensemble=lambda *args, **kwargs: rows), "pd": pd, "explain": explain, "trigger_words": trigger_words}
    names |= {"config": None, "REPLICATIONS": 2, "SEED": 1, "UNCERTAINTY": "none"}
    shown = _last_value(cell.source, names).to_html()
    assert not re.search(r"case\d\d_|_leaving|end_month|business_case|c0_it_maturity", shown), shown
    assert "Decision slippage (case 02)" in shown and "a chief executive about to leave" in shown
    assert "6.80" in shown and "6.798933" not in shown and "business case (GBP m)" in shown
    assert "one simulated partnership" in notebook.cells[notebook.cells.index(cell) - 1].source


@pytest.mark.parametrize(("mode", "words"), [("posterior", "their calibrated posterior"), ("prior", "their plausible ranges")])
def test_notebook_01_titles_its_survival_curve_in_words(mode: str, words: str) -> None:
    """The figure's title read "(uncertainty posterior)", the setting's name, on a figure a committee reads without the code."""
    (cell,) = [cell for cell in code_cells(read("01_quickstart.ipynb")) if "survival_figure(" in cell.source]
    titles = []
    exec(cell.source, {"survival_figure": lambda runs, title: titles.append(title), "summary": {}, "UNCERTAINTY": mode})
    assert titles == [f"Baseline: partnerships not collapsed (the model's assumptions drawn from {words})"]


def test_notebook_04_names_the_calibrated_parameters_by_their_meaning() -> None:
    """The calibration's table and sentences named decisions.exit_cost_joint_committee and "dynamics.maturity_months's"."""
    import numpy as np

    import sim
    from sim.analysis.calibration import change_noise, interval
    from sim.config.overrides import spec_at
    from sim.config.posterior import effective_size, shipped_path

    notebook = read("04_sweeps_sensitivity_calibration.ipynb")
    (table,) = [cell for cell in code_cells(notebook) if 'read_parquet(calibration_dir / "posterior.parquet")' in cell.source]
    (sentences,) = [cell for cell in code_cells(notebook) if cell.source.startswith("moved = ")]
    folder = Path(tempfile.mkdtemp(prefix="calibration-"))
    draws = np.linspace(0.05, 0.3, 20)
    pd.DataFrame({"wave": 1, "decisions.exit_cost_joint_committee": draws, "dynamics.maturity_months": 24 + 100 * draws}).to_parquet(folder / "design.parquet")
    pd.DataFrame({"decisions.exit_cost_joint_committee": draws[5:], "dynamics.maturity_months": 30 + 50 * draws[5:], "weight": 1 / 15}).to_parquet(
        folder / "posterior.parquet"
    )
    names = {"CALIBRATION_DIR": str(folder), "Path": Path, "pd": pd, "np": np, "interval": interval, "factor_words": factor_words}
    names |= {"shipped_path": shipped_path, "sim": sim, "spec_at": spec_at, "effective_size": effective_size, "change_noise": change_noise}
    shown = _last_value(table.source, names).to_html()
    exec(sentences.source, names)
    assert "decisions.exit_cost_joint_committee" not in shown and factor_words("decisions.exit_cost_joint_committee") in shown
    assert "dynamics.maturity_months" not in shown


def test_notebook_03_says_what_each_scenario_sets_by_its_meaning_and_unit(capsys) -> None:
    """Each case's scenario was listed by code path and raw value ("councils[0].key_person_dependency: beta(a=4, b=2), mean 0.67",
    "partnership.governance: trading_company"): now by the council's name, the setting's meaning and its unit."""
    setup = code_cells(read("03_seven_failure_modes.ipynb"))[0].source
    names: dict[str, Any] = {}
    exec("\n".join(line for line in setup.splitlines() if not line.startswith("%")), names)
    capsys.readouterr()
    names["show_scenario"]("01")
    names["show_scenario"]("04")
    text = capsys.readouterr().out
    assert "councils[" not in text and "partnership." not in text and "_" not in text.replace("case01_key_person", "").replace("case04_trading_company", "")
    varies = "varies between simulated partnerships: usually"
    champion = "how much the council's part in the partnership rests on one champion"
    assert f"  Northdale DC: {champion} [0 .. 1]: {varies} 0.34 to 0.92 (the middle 90%), on average 0.67\n" in text, text
    assert f"  Westmere DC: appetite for risk [0 averse .. 1 seeking]: {varies} 0.13 to 0.66 (the middle 90%), on average 0.38\n" in text, text
    assert "  legal form of the partnership: trading company\n" in text, text
    assert not re.search(DISTRIBUTION_JARGON, text), text
    names["show_scenario"]("01", exact=True)  # the exact form, on request
    assert f"  Northdale DC: {champion} [0 .. 1]: beta(a=4, b=2), mean 0.67\n" in capsys.readouterr().out


def test_notebook_03_takes_a_case_number_as_written_and_refuses_an_unknown_one_in_one_line(capsys) -> None:
    """``show_scenario("1")`` (the opening shows ``show_scenario("01", exact=True)``) and ``show_lever("8")`` stopped with KeyError: '1'."""
    from sim.config.checks import ConfigError

    setup = code_cells(read("03_seven_failure_modes.ipynb"))[0].source
    names: dict[str, Any] = {}
    exec("\n".join(line for line in setup.splitlines() if not line.startswith("%")), names)
    capsys.readouterr()
    names["show_scenario"]("1")
    assert capsys.readouterr().out.startswith("Scenario case01_key_person: 4 councils")
    for show in ("show_scenario", "show_timeline", "show_lever"):
        with pytest.raises(ConfigError) as unknown:
            names[show]("8")
        assert unknown.value.problems == ["case = '8' is not one of Guide 08's cases (available: 01, 02, 03, 04, 05, 06, 07)"], show


def test_notebook_02_describes_our_partnership_in_plain_words() -> None:
    """Its description of our partnership read "councils[0].risk_appetite ~ beta(a=2, b=2), mean 0.5", which a committee member
    cannot read: a drawn value now reads as the values it usually takes and their average. It then still named each setting
    "councils[0].risk_appetite" where notebook 03 says a case's scenario by the council's name and the setting's meaning: now
    as notebook 03 does (one wording, sim.config.overrides.setting_words)."""
    notebook, _ = executed("02_our_partnership_what_if.ipynb")
    (cell,) = [cell for cell in code_cells(notebook) if "print(ours.describe())" in cell.source]
    text = text_output(cell)
    drawn = "varies between simulated partnerships: usually 0.14 to 0.86 (the middle 90%), on average 0.50"
    assert f"  Our District: appetite for risk [0 averse .. 1 seeking]: {drawn}\n" in text, text
    assert "  Neighbour District: maturity of the council's IT estate and practices [0 .. 1]: 0.35\n" in text, text
    assert not re.search(DISTRIBUTION_JARGON, text), text
    assert "councils[" not in text and "partnership." not in text, text


def test_notebook_04_gives_morris_effects_in_percentage_points_and_no_share_of_variance_below_zero(tmp_path, capsys) -> None:
    """The screening sentence said "the noise floor of 0.056" (a share of partnerships, unnamed) and "the largest mu* is that of ...", and the
    Sobol table showed estimates below zero ("-2%", "-0%" of the variance), which no share can be."""
    notebook = read("04_sweeps_sensitivity_calibration.ipynb")
    (table,) = [cell for cell in code_cells(notebook) if 'read_parquet(sensitivity_dir / "sobol.parquet")' in cell.source]
    sobol = pd.DataFrame({"factor": ["decisions.outside_option", "decisions.noise"], "output": "collapse", "S1": [0.41, -0.02], "S1_conf": [0.25, 0.04]})
    sobol.assign(ST=[0.62, -0.004], ST_conf=[0.31, 0.01]).to_parquet(tmp_path / "sobol.parquet")
    screened = pd.DataFrame({"factor": ["decisions.outside_option"], "output": "collapse", "mu_star": [0.183], "mu_star_conf": [0.02]})
    screened.to_parquet(tmp_path / "morris.parquet")
    pd.DataFrame({"output": ["collapse"], "mu_star_noise": [0.056]}).to_parquet(tmp_path / "noise.parquet")
    from sim.analysis.sensitivity import OUTPUTS

    names = {"SENSITIVITY_DIR": str(tmp_path), "Path": Path, "pd": pd, "OUTPUTS": OUTPUTS, "factor_words": factor_words}
    shown = _last_value(table.source, names).to_html()
    assert "-2%" not in shown and "-0%" not in shown and ">0%<" in shown and "an estimate below zero shows as 0%" in shown, shown
    (sentences,) = [cell for cell in code_cells(notebook) if "Sobol indices" in cell.source and "lead = " in cell.source]
    morris = pd.DataFrame(
        {"factor": ["decisions.outside_option"], "output": "collapse", "mu_star": [0.183], "mu_star_conf": [0.02], "mu_star_noise": 0.056, "above_noise": True}
    )
    noise = pd.DataFrame({"output": ["collapse"], "mu_star_noise": [0.056], "noise_share_of_sobol_variance": [0.027]})
    exec(
        sentences.source,
        {
            "morris": morris,
            "sobol": pd.read_parquet(tmp_path / "sobol.parquet"),
            "noise": noise,
            "factor_words": factor_words,
            "ranked": ranked,
        },
    )
    text = capsys.readouterr().out
    assert "than the 5.6 percentage points noise alone can show" in text and "The largest change, 18.3 points, is that of" in text, text
    assert "0.056" not in text and "mu* is" not in text, text


def test_notebook_04_gives_the_calibrations_narrowing_in_percent_as_its_sentence_does_and_each_parameters_unit(capsys) -> None:
    """The calibration table showed "narrowing +0.05" beside a sentence saying "5% narrower", and called it the interval's narrowing:
    it is how much smaller the posterior's standard deviation is than the prior's. Its figures had no unit (months beside shares)."""
    import numpy as np

    import sim
    from sim.analysis.calibration import change_noise, interval
    from sim.config.overrides import spec_at
    from sim.config.posterior import effective_size, shipped_path

    notebook = read("04_sweeps_sensitivity_calibration.ipynb")
    (table,) = [cell for cell in code_cells(notebook) if 'read_parquet(calibration_dir / "posterior.parquet")' in cell.source]
    (sentences,) = [cell for cell in code_cells(notebook) if cell.source.startswith("moved = ")]
    folder = Path(tempfile.mkdtemp(prefix="calibration-"))
    draws = np.linspace(0.05, 0.3, 21)
    pd.DataFrame({"wave": 1, "dynamics.maturity_months": 24 + 100 * draws}).to_parquet(folder / "design.parquet")
    pd.DataFrame({"dynamics.maturity_months": 29 + 50 * draws, "weight": 1 / 21}).to_parquet(folder / "posterior.parquet")
    names = {"CALIBRATION_DIR": str(folder), "Path": Path, "pd": pd, "np": np, "interval": interval, "factor_words": factor_words}
    names |= {"shipped_path": shipped_path, "sim": sim, "spec_at": spec_at, "effective_size": effective_size, "change_noise": change_noise}
    shown = _last_value(table.source, names).to_html()
    assert ">50%<" in shown and "spread narrowed by" in shown and "+0.50" not in shown, shown
    assert ">months<" in shown, shown
    capsys.readouterr()
    exec(sentences.source, names)
    assert "(its standard deviation 50% smaller than the prior's)" in capsys.readouterr().out


def test_notebook_04_does_not_credit_the_record_with_a_move_of_a_posterior_worth_few_points_and_gives_the_noise(capsys) -> None:
    """A calibration worth 23 points (sim-calibrate points=40 waves=2 replications=50), whose printout says sampling noise alone gives a change
    of about 0.46 and that it cannot tell whether the targets inform any parameter, read "The record moved outside_option most" here."""
    import numpy as np

    import sim
    from sim.analysis.calibration import change_noise, interval
    from sim.config.overrides import spec_at
    from sim.config.posterior import effective_size, shipped_path

    notebook = read("04_sweeps_sensitivity_calibration.ipynb")
    (table,) = [cell for cell in code_cells(notebook) if 'read_parquet(calibration_dir / "posterior.parquet")' in cell.source]
    (sentences,) = [cell for cell in code_cells(notebook) if cell.source.startswith("moved = ")]
    folder = Path(tempfile.mkdtemp(prefix="calibration-"))
    draws = np.linspace(0.05, 0.3, 40)
    pd.DataFrame({"wave": 1, "decisions.outside_option": 0.4 + draws}).to_parquet(folder / "design.parquet")
    weight = np.where(np.arange(40) < 5, 1.0, 0.01)
    pd.DataFrame({"decisions.outside_option": 0.4 + draws, "weight": weight / weight.sum()}).to_parquet(folder / "posterior.parquet")
    names = {"CALIBRATION_DIR": str(folder), "Path": Path, "pd": pd, "np": np, "interval": interval, "factor_words": factor_words}
    names |= {"shipped_path": shipped_path, "sim": sim, "spec_at": spec_at, "effective_size": effective_size, "change_noise": change_noise}
    _last_value(table.source, names)
    capsys.readouterr()
    exec(sentences.source, names)
    text = capsys.readouterr().out
    size = effective_size(weight)
    assert "The record moved" not in text and f"worth {size:.0f} equally weighted ones" in text, text
    assert f"sampling noise alone changes a distribution by about {change_noise(size, 40):.2f}" in text, text
    assert f"{folder / 'calibration.md'} (What the data cannot pin down)" in text, text


@pytest.mark.parametrize(("months", "uncertainty", "horizon"), [(150, "posterior", "12.5 years"), (36, "none", "3 years"), (120, "none", "10 years")])
def test_notebook_01_says_its_horizon_and_its_collapse_by_year_for_a_horizon_and_mode_a_reader_sets(months, uncertainty, horizon, capsys) -> None:
    """With the horizon a reader sets (partnership.horizon_months=150) the closing sentence said "over 12 years" (``// 12``); with
    one under ten years it failed ('NoneType' object is not subscriptable: the summary has no 10-year figure beyond the horizon),
    and with uncertainty="none", which the opening offers, KeyError: 'total' (no total interval without draws)."""
    from types import SimpleNamespace

    from sim.analysis.summary import Tally, horizon_words, plain_lines
    from sim.config.scenarios import load
    from sim.frontends.runner import Sinks, fixed, run_blocks

    notebook = read("01_quickstart.ipynb")
    (cell,) = [cell for cell in code_cells(notebook) if "Collapse builds up over time" in cell.source]
    (titled,) = [cell for cell in code_cells(notebook) if "survival_figure(" in cell.source]  # the cell before, which says what is drawn from
    assert "plausible ranges" not in cell.source and "calibrated posterior" not in cell.source, "it says drawn_from's words, not its own"
    tally = Tally(months)
    run_blocks(load("baseline", overrides=[f"partnership.horizon_months={months}"]), 1, fixed(200, 200), Sinks(tables=(tally,)))
    summary = tally.summary()
    if uncertainty == "posterior":  # the total interval a run with draws adds, as summarise gives it
        for entry in summary["collapse_within"].values():
            if entry is not None:
                entry["total"] = {"low": entry["low"] / 2, "high": entry["high"] * 2}
    names = {"config": SimpleNamespace(partnership=SimpleNamespace(horizon_months=months)), "summary": summary, "UNCERTAINTY": uncertainty}
    exec(titled.source, names | {"survival_figure": lambda runs, title: None}, names)  # its drawn_from, as the notebook run in order has it
    exec(cell.source, names | {"horizon_words": horizon_words, "plain_lines": plain_lines})
    printed = capsys.readouterr().out
    assert f"business case over {horizon}." in printed, printed
    reached = [years for years, entry in summary["collapse_within"].items() if entry is not None]
    assert ("Collapse builds up over time" in printed) == (len(reached) >= 2)
    if len(reached) >= 2:
        assert f"within {reached[-1]} (95% interval " in printed
        assert ("counting the doubt about the assumptions" in printed) == (uncertainty == "posterior")
        assert (f"counting the doubt about the assumptions, drawn from {names['drawn_from']}, " in printed) == (uncertainty == "posterior")


@pytest.mark.notebook
def test_notebook_02_says_the_horizon_of_our_partnership_and_whether_anything_of_it_is_drawn_as_stated() -> None:
    """Our partnership stated with horizon_months=150 and fixed=True (as the notebook offers): the interpretation said "collapse
    within 12 years" (``// 12``) and ended "the unstated attributes listed with our partnership above are drawn in both", where
    its description said none is drawn."""
    notebook = read("02_our_partnership_what_if.ipynb")
    (cell,) = [cell for cell in code_cells(notebook) if cell.source.startswith("ours = sim.partnership(")]
    assert "    promised_savings=1.5,\n" in cell.source
    cell.source = cell.source.replace("    promised_savings=1.5,\n", "    promised_savings=1.5,\n    horizon_months=150,\n    fixed=True,\n")
    notebook, _ = execute(notebook, "02-horizon-fixed")
    assert "No attribute of the councils or the partnership is drawn" in text_output(cell)
    text = text_output(_interpretation(notebook)[1])
    assert "collapse within 12.5 years (95% interval" in text, text
    assert "drawn in both" not in text and "no attribute of our partnership is drawn (each is stated or fixed)" in text, text


def test_notebook_04_keeps_its_sensitivity_noise_table_when_the_calibration_cells_run() -> None:
    """The calibration's sentence cell set ``noise = change_noise(...)`` (a number), rebinding the sensitivity cells' noise
    table: run again after it, the Morris figure cell (``morris_figure(morris, noise)``) failed. No later cell rebinds a
    name an earlier cell's table holds."""
    cells = code_cells(read("04_sweeps_sensitivity_calibration.ipynb"))
    tables = {"noise", "morris", "sobol"}
    for cell in cells:
        if "change_noise(" not in cell.source:
            continue
        bound = {t.id for node in ast.walk(ast.parse(cell.source)) if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
        assert not bound & tables, (bound & tables, cell.source[:200])
