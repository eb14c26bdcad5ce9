"""Every command line the pages show is one the command accepts today (checked without running the model).

A command line is a line of a fenced block, or an inline code span, of ``README.md``, ``docs/*.md``,
a notebook's markdown or a command's docstring (the examples its ``--help`` shows) that starts with a console script of ``pyproject.toml`` (or
``python -m sim.cli.NAME``); a span that is only the command's name is a mention, not a line.
Each is run through its command's own ``main`` with the work replaced at the point where the
checks end: a Hydra command (``sim-run``, ``sim-compare``, ``sim-search``, ``sim-calibrate``)
through :func:`sim.cli.guard.prepare` (the raw arguments' checks, composition with the
command's config and schema, the command's own ``check``), its run folder then discarded;
``sim-validate``, ``sim-demo``, ``sim-analyse design`` and ``sensitivity`` through their own
checks up to the model; a command reading a results folder (``sim-report``, ``sim-collect``,
``sim-analyse discover``) up to its parsed options (the folder is a placeholder).

Placeholders are substituted: a folder (``DIR``, ``RUN_DIR``, ``<sweep>``, ``outputs/DATE/TIME``...)
is any path, ``--config-dir FOLDER`` a folder holding the shipped scenarios and policies and the
user's own files the pages name (``OWN``: a misspelt name is not made, so it is refused),
``targets=my_region.yaml`` / ``my_record.csv`` copies of the shipped targets and record,
``design=points.csv`` a design ``sim-analyse design`` wrote, ``$USER`` a name; ``...`` (and an
argument whose value holds it) and a shell substitution ``$(...)`` are left out. A line the page
shows being refused is one in a paragraph or table row that also shows an ``error:`` line, or one
of a fenced block followed by an ``error:`` output line: it must be refused (exit 2).

A line standing for a situation (``sim-demo --port P`` where P is taken, ``sim-calibrate targets=mine.yaml``
with a mistake) is made real in ``SITUATIONS`` and must end with the status and error line its page
shows; a line no test here can make real is listed in ``UNCHECKED`` with its reason and where it is
tested instead; a test asserts that every line is checked one of these ways.
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from support.clusters import require_module

from sim.cli.analyse import SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: A command line's start: a console script or ``python -m sim.cli.NAME``, at the start of a line or span (after a ``$ `` prompt).
START = re.compile(r"^(?:\$ )?(" + "|".join(map(re.escape, SCRIPTS)) + r"|python -m sim\.cli\.\w+)(?=\s|$)")
#: Where a command line ends: a comment, a pipe (``\|`` in a table), ``&&`` or ``;``.
END = re.compile(r"\s+#\s.*$|\s*(?:\\?\||&&|;).*$")
#: Placeholders for a folder the command reads.
FOLDER = re.compile(r"^(?:[A-Z][A-Z_]*(?:/\w+)?|<\w+>|\w+/DATE/TIME|(?:outputs|multirun)/[\d-]+/[\d-]+|results/\w+)$")
#: A placeholder word or value: capitals (``DIR``, ``A``, ``RUN_FOLDER``), ``<name>`` or a dated folder's ``DATE/TIME``.
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z_]*(?:/\w+)?|<\w+>|.*DATE/TIME|mine\.\w+)$")
#: The settings naming a group's files: ``policies=[none,search_1]`` too.
LISTING = {"scenario": ("scenario",), "policy": ("policy", "policies")}
#: The shipped scenarios and policies, which a ``--config-dir`` folder need not hold.
SHIPPED = {group: {p.stem for p in (ROOT / "configs" / group).glob("*.yaml")} for group in ("scenario", "policy")}
#: The names the pages give the user's own files in a ``--config-dir`` folder (``search_1``: the policy sim-search writes,
#: docs/results.md; ``ours``: README.md's own scenario, sim-analyse sensitivity's docstring's own policy). Another name
#: neither shipped nor here is not made, so a misspelt name is refused as the command refuses it.
OWN = {"scenario": {"ours"}, "policy": {"search_1", "ours"}}


@dataclass(frozen=True)
class Line:
    """A command line as a page shows it."""

    page: str
    text: str
    refused: bool

    @property
    def words(self) -> list[str]:
        """The line's words after the command, ``$USER`` as a name and a shell substitution left out."""
        words = shlex.split(_unsubstituted(self.text).replace("$USER", "user"))
        return words[3 if words[0] == "python" else 1 :]

    @property
    def argv(self) -> list[str]:
        """The words to check: without ``...`` and without a ``key=VALUE`` whose value is a placeholder or left empty."""
        words = [w.replace(",...", "") for w in self.words if w != "..."]  # a list that goes on (``0/100,1/100,...``): its values given
        return [w for w in words if not w.endswith("=") and not PLACEHOLDER.match(w.partition("=")[2] or "-")]

    @property
    def literal(self) -> bool:
        """Whether the line is one to copy as it is: no ``...`` and no placeholder (``DIR``, ``out=A``, ``<sweep>``)."""
        return "..." not in self.text and not any(PLACEHOLDER.match(w.partition("=")[2] or w) for w in self.words)

    @property
    def expected(self) -> int | None:
        """The exit status the page shows: 2 for a literal line shown refused, 0 for the others; None for a line that cannot be
        checked: a situation a fault's row describes with placeholders (``sim-report D`` on a read-only D), or a value elided
        (``parameters=[...]``), not a line to copy."""
        if any("..." in w for w in self.argv):
            return None
        if not self.refused or "--help" in self.words:
            return 0
        return 2 if self.literal else None

    @property
    def command(self) -> str:
        """The console script (``sim-run``) or module (``sim.cli.run``) the line calls."""
        words = self.text.split()
        return words[2] if words[0] == "python" else words[0]


def _unsubstituted(text: str) -> str:
    """``text`` without its shell substitutions ``$(...)`` (parentheses nested to any depth)."""
    while (start := text.find("$(")) >= 0:
        depth, end = 0, start + 1
        for end in range(start + 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        text = text[:start] + text[end + 1 :]
    return text


def _texts() -> list[tuple[str, str]]:
    """The pages' text, the notebooks' markdown, and the commands' docstrings (their ``--help`` shows the examples) as a fenced block."""
    texts = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in PAGES]
    for module in sorted({*(v.partition(":")[0] for v in SCRIPTS.values()), *(m for m, _ in SUBCOMMANDS.values())}):
        texts.append((module, f"```\n{importlib.import_module(module).__doc__}\n```\n"))
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        texts.append((str(notebook.relative_to(ROOT)), "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")))
    return texts


def _fenced(lines: list[str]) -> list[tuple[str, bool]]:
    """A fenced block's lines, each with whether it is shown refused: a command line followed, before the next command line,
    by an output line starting ``error:``."""
    starts = [i for i, line in enumerate(lines) if START.match(line.strip().removeprefix("$ "))] + [len(lines)]
    refused = {i: any(line.strip().startswith("error:") for line in lines[i + 1 : j]) for i, j in itertools.pairwise(starts)}
    return [(line, refused.get(i, False)) for i, line in enumerate(lines)]


def _blocks(text: str) -> list[tuple[list[tuple[str, bool]], bool]]:
    """The page's candidate lines by block (a fenced block's lines; a table row's or a paragraph's code spans), each with whether
    it is shown refused (in a fenced block, an ``error:`` line in its output; in prose, an ``error:`` in its paragraph or row),
    and whether the block is fenced."""
    blocks = [(_fenced(re.sub(r"\\\n\s*", " ", fence).splitlines()), True) for fence in re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)]
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.M | re.S)
    for paragraph in re.split(r"\n\s*\n", prose):
        for part in paragraph.splitlines() if paragraph.lstrip().startswith("|") else [paragraph]:
            spans = re.findall(r"``(.+?)``|`([^`]+)`", part, re.S)
            blocks.append(([(" ".join((a or b).split()), "error:" in part) for a, b in spans], False))
    return blocks


def doc_lines(texts: list[tuple[str, str]] | None = None) -> list[Line]:
    """Every command line of ``texts`` (by default the pages, the notebooks' markdown and the docstrings; a code span that is only a
    command's name is a mention)."""
    found = []
    for page, text in _texts() if texts is None else texts:
        for lines, fenced in _blocks(text):
            for raw, refused in lines:
                line = END.sub("", raw.strip().removeprefix("$ "))
                named = START.match(line)
                rest = line.split()[len(named.group(1).split()) :] if named else []
                subcommand = named is not None and named.group(1) == "sim-analyse" and rest[:1] and rest[0] in SUBCOMMANDS
                mention = all(w in ("-m", "--multirun") for w in rest[1 if subcommand else 0 :])
                title = any(w.endswith(":") for w in line.split()[:2])  # "sim-analyse design: a design over ..."
                if named and not title and (fenced or not mention):
                    found.append(Line(page, line, refused))
    return list(dict.fromkeys(found))


class _Accepted(SystemExit):
    """Raised where a command's checks are over and its work would begin."""

    def __init__(self) -> None:
        super().__init__(0)


def _placeholders(argv: list[str], folder: Path) -> list[str]:
    """``argv`` with its placeholders made real in ``folder`` (the test's working folder)."""
    out = []
    for i, word in enumerate(argv):
        key, sep, value = word.partition("=")
        if not sep and not word.startswith("-") and (FOLDER.match(word) or word.startswith("/shared/")) and (i == 0 or not argv[i - 1].startswith("--")):
            word = str(folder / "results")
        elif not sep and i > 0 and argv[i - 1] == "--config-dir":
            word = str(folder / "own")
        elif sep and key == "targets" and value in ("my_region.yaml", "mine.yaml") and not (folder / value).exists():
            shutil.copy(ROOT / "sim" / "config" / "targets" / "uk_breakups.yaml", folder / value)
        elif sep and key == "targets" and value in ("my_record.csv", "mine.csv") and not (folder / value).exists():
            shutil.copy(ROOT / "data" / "uk_breakups.csv", folder / value)
        out.append(word)
    (folder / "results").mkdir(exist_ok=True)
    own = folder / "own"
    for group, base in (("scenario", "baseline"), ("policy", "none")):
        (own / group).mkdir(parents=True, exist_ok=True)
        for key, _, value in (word.partition("=") for word in out):
            names = value.strip("[]").split(",") if key in LISTING[group] else []
            for name in (n for n in names if n in OWN[group] and n not in SHIPPED[group]):
                shutil.copy(ROOT / "configs" / group / f"{base}.yaml", own / group / f"{name}.yaml")
    return out


def _entry(line: Line):
    """The ``main`` a line calls."""
    if line.command in SCRIPTS:
        module, _, function = SCRIPTS[line.command].partition(":")
        return getattr(importlib.import_module(module), function)
    return importlib.import_module(line.command).main


@pytest.fixture
def checked(tmp_path, monkeypatch):
    """A function giving the exit status and error lines of a command line whose checks run and whose work does not."""
    from sim.cli import analyse_design, analyse_sensitivity, guard
    from sim.config import checks
    from sim.viz import cli as viz_cli

    def prepare_only(command, argv=None, setting=None):
        argv = list(argv or [])
        try:
            job = guard.prepare(command, argv, setting or guard.folder_option(guard.multirun_asked(argv)))
        except checks.ConfigError as err:
            return guard.report(err)
        if job is not None:
            job.discard()
            job.close()
        return 0

    def composed_then_stop(compose):
        def stop(*args, **kwargs):
            compose(*args, **kwargs)
            raise _Accepted

        return stop

    parse_all = checks.ArgumentParser.parse_all

    read_folders = [False]  # a situation's line reads its folder (sim-report D --output F): its checks after the options run too

    def options_only(self, args=None):
        namespace, problems = parse_all(self, args)
        if not read_folders[0] and not problems and getattr(namespace, "folder", None) is not None and namespace.folder.is_dir():
            raise _Accepted  # a results folder's command: its options are read; the folder is a placeholder's, empty
        return namespace, problems

    def stop(*args, **kwargs):
        raise _Accepted

    compose_design = analyse_design.compose_model
    monkeypatch.setattr(guard, "run_command", prepare_only)
    monkeypatch.setattr(analyse_design, "compose_model", composed_then_stop(analyse_design.compose_model))
    monkeypatch.setattr(analyse_sensitivity, "compose_model", composed_then_stop(analyse_sensitivity.compose_model))
    monkeypatch.setattr(checks.ArgumentParser, "parse_all", options_only)
    monkeypatch.setattr("sim.analysis.validation.collect", stop)
    address_problem = viz_cli.address_problem

    def address_then_stop(host: str, port: int) -> str | None:
        if read_folders[0] and (problem := address_problem(host, port)):
            return problem  # a situation's line: a port in use is found, a free one would start the server
        raise _Accepted

    monkeypatch.setattr(viz_cli, "address_problem", address_then_stop)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")

    def run(line: Line, capsys, argv: list[str] | None = None) -> tuple[int, str]:
        read_folders[0] = argv is not None
        argv = _placeholders(line.argv if argv is None else argv, tmp_path)
        if "design=points.csv" in argv and not (tmp_path / "points.csv").is_file():
            with monkeypatch.context() as m:  # a design as sim-analyse design writes it
                m.setattr(analyse_design, "compose_model", compose_design)
                assert analyse_design.main(["--n", "4", "--out", "points.csv"]) == 0
        capsys.readouterr()
        try:
            status = _entry(line)(argv)
        except SystemExit as err:
            status = err.code
        return int(status or 0), capsys.readouterr().err

    return run


LINES = doc_lines()


def test_the_pages_show_command_lines():
    """The extraction finds the lines it should (a guard against a pattern that finds nothing)."""
    commands = {line.command for line in LINES}
    assert {"sim-run", "sim-compare", "sim-search", "sim-calibrate", "sim-analyse", "sim-report", "sim-collect", "sim-validate"} <= commands
    assert any(line.refused for line in LINES) and len(LINES) > 50


CHECKED = [line for line in LINES if line.expected is not None]


def _tunes_without_optuna(text: str) -> bool:
    """Whether ``text`` is a sim-search line that tunes (the default ``tune``) where Optuna, the ``[search]`` extra, is absent."""
    words = text.split()
    return bool(words) and words[0] == "sim-search" and "tune=0" not in words and importlib.util.find_spec("optuna") is None


#: The Hydra plugin a page's ``hydra/launcher=NAME`` needs (the extra of the same name): without it the line is refused,
#: as a user without the extra is told (a multirun's jobs are composed, with their launcher, before it starts).
LAUNCHER_PLUGINS = {name: f"hydra_plugins.hydra_{plugin}_launcher" for name, plugin in (("joblib", "joblib"), ("ray", "ray"), ("slurm", "submitit"))}


def _launcher_plugin(text: str) -> tuple[str, str] | None:
    """The plugin module and extra a line's ``hydra/launcher=NAME`` needs (None: it names no launcher that needs one)."""
    named = [word.split("=", 1)[1] for word in text.split() if word.startswith("hydra/launcher=")]
    return (LAUNCHER_PLUGINS[named[-1]], named[-1]) if named and named[-1] in LAUNCHER_PLUGINS else None


@pytest.mark.parametrize("line", CHECKED, ids=[f"{line.page}: {line.text}" for line in CHECKED])
def test_every_command_line_on_the_pages_is_accepted(line, checked, capsys):
    if _tunes_without_optuna(line.text):
        pytest.skip("Optuna is not installed (pip install -e '.[search]'): sim-search tunes with it, and refuses tune > 0 without it")
    if not line.refused and (plugin := _launcher_plugin(line.text)) is not None:
        require_module(*plugin)  # skips on a user's machine without the extra, fails under CI=true
    assert _line_problem(line, checked, capsys) is None


def _line_problem(line: Line, checked, capsys) -> str | None:
    """Why ``line`` does not end as its page shows (None if it does)."""
    status, errors = checked(line, capsys)
    if line.expected and status != 2:
        return f"{line.page}: `{line.text}` is shown refused, but its command accepts it (exit {status})"
    if not line.expected and status != 0:
        return f"{line.page}: `{line.text}` exits {status}:\n{errors}"
    return None


FENCED = """Runs:

```
$ sim-run replications=5
sim-run: 5 replications ...
$ sim-run replications=-5
error: replications = -5 is outside [1, ...]
$ sim-run seed=1
```
"""


def test_a_line_a_fenced_block_shows_refused_must_be_refused(checked, capsys):
    """A fenced block's command line followed by an ``error:`` line is shown refused; the next command line is not."""
    lines = {line.text: line for line in doc_lines([("page.md", FENCED)])}
    assert [lines[t].refused for t in ("sim-run replications=5", "sim-run replications=-5", "sim-run seed=1")] == [False, True, False]
    assert _line_problem(lines["sim-run replications=-5"], checked, capsys) is None
    shown_refused_but_accepted = doc_lines([("page.md", FENCED.replace("replications=-5", "replications=6"))])
    assert _line_problem(next(line for line in shown_refused_but_accepted if line.refused), checked, capsys) is not None


#: A setting or option misspelt, one line per command: what a page left behind by a rename looks like.
RENAMED = [
    "sim-run replication=5",
    "python -m sim.cli.run scenario=case01_key_person policy=continuity_plan levers.continuity_plan.strenght=0.5",
    "sim-compare policies=[none,continuity_plans]",
    "sim-search scenario=case04_trading_company targte=0.2",
    "sim-calibrate wave=2",
    "sim-analyse sensitivity replication=10",
    "sim-analyse design --number 4",
    "sim-analyse discover DIR --treshold 0.2",
    "sim-report DIR --outptu report.html",
    "sim-collect DIR --reprot",
    "sim-validate --replicates 500",
    "sim-demo --prot 8799",
    "sim-run --config-dir FOLDER policy=serach_1",
    "sim-compare --config-dir FOLDER policies=[none,contiunity_plan]",
    "sim-analyse sensitivity --config-dir mine policy=ousr",
]


@pytest.mark.parametrize("text", RENAMED)
def test_a_line_with_a_renamed_setting_is_caught(text, checked, capsys):
    """Each command's line is refused when a setting, option or parameter it names no longer exists."""
    status, errors = checked(Line("test", text, refused=False), capsys)
    assert status == 2 and "error:" in errors, f"`{text}` exits {status}"


def _mistaken_targets() -> str:
    """The shipped targets with a share written as a percentage (45 for 0.45), as ``docs/faults.md`` shows."""
    targets = yaml.safe_load((ROOT / "sim" / "config" / "targets" / "uk_breakups.yaml").read_text(encoding="utf-8"))
    targets["statistics"][0]["observed"] = 45
    return yaml.safe_dump(targets, sort_keys=False)


@dataclass(frozen=True)
class Situation:
    """What a line's placeholders stand for where the page describes a situation (``sim-demo --port P`` where P is taken),
    and the exit status and error line the page shows for it."""

    values: dict[str, str]
    status: int
    error: str = ""
    extra: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)


#: ``{folder}``: a results folder made by the test; ``{port}``: a port another socket listens on.
TAKEN = "{port}"
RESULTS = "{folder}"
#: The lines that stand for a situation, by page and text, made real.
SITUATIONS: dict[tuple[str, str], Situation] = {
    ("docs/faults.md", "sim-compare ... precision=0.01"): Situation({"...": "uncertainty=prior"}, 2, "error: precision = 0.01 targets Monte Carlo half-widths"),
    ("docs/faults.md", "sim-compare policy=..."): Situation({"...": "none"}, 2, "error: policy is a sim-run setting: sim-compare takes a list"),
    ("docs/faults.md", "sim-calibrate targets=mine.yaml"): Situation(
        {}, 2, "error: statistics[0].observed = 45 is outside [0, 1]", files={"mine.yaml": _mistaken_targets()}
    ),
    ("docs/faults.md", "sim-report D --output"): Situation({"D": RESULTS}, 2, "error: --output = ", extra=(RESULTS,)),
    ("docs/faults.md", "sim-demo --port P"): Situation({"P": TAKEN}, 3, "is in use by another program; choose another port with --port"),
    ("docs/faults.md", "sim-demo --host H"): Situation({"H": "999.1.1.1"}, 2, "error: --host = '999.1.1.1' is not an address or a name of a machine"),
    ("docs/uncertainty.md", "sim-calibrate decisions.memory=0.3 parameters=[...]"): Situation({"[...]": "[decisions.outside_option,decisions.noise]"}, 0),
    ("notebooks/04_sweeps_sensitivity_calibration.ipynb", "sim-run design=..."): Situation({"...": "points.csv"}, 0),
}
#: The lines no test here can make real, by page and text, with why and where they are tested instead.
UNCHECKED: dict[tuple[str, str], str] = {
    ("docs/faults.md", "sim-run -m ..."): "points failing together fail only when run (exit 3): tests/cli/test_sweeps.py",
    ("docs/faults.md", "sim-run design=..."): "a design's bad cell fails its point only when run (exit 3): tests/cli/test_sweeps.py",
    ("docs/faults.md", "sim-calibrate out=D"): "a disk that fills during the run: tests/cli/test_calibrate_cli.py",
    ("docs/faults.md", "sim-report D"): "a read-only file system: tests/cli/test_faults.py (remounts a tmpfs read-only)",
    ("docs/faults.md", "sim-collect D"): "a folder of several runs' records and no sweep.json: tests/cli/test_collect.py -k folder_of_runs",
    ("docs/faults.md", "sim-analyse sensitivity out=D"): "a folder of another command's results: tests/cli/test_analyse_sensitivity.py",
}


def test_every_line_is_checked_or_listed_with_its_reason():
    """A line the pages show that the checks above cannot take (a placeholder or ``...`` standing for a situation) is made real
    in SITUATIONS or listed in UNCHECKED with its reason; neither lists a line the pages no longer show."""
    unchecked = {(line.page, line.text) for line in LINES if line.expected is None}
    assert not set(SITUATIONS) & set(UNCHECKED)
    listed = set(SITUATIONS) | set(UNCHECKED)
    assert unchecked == listed, f"not checked, not listed: {unchecked - listed}; listed, not shown: {listed - unchecked}"


def _situation_problem(line: Line, situation: Situation, checked, capsys, folder: Path) -> str | None:
    """Why ``line`` in ``situation`` does not end as the page shows (None if it does)."""
    if line.command == "sim-demo" and importlib.util.find_spec("solara") is None:
        pytest.skip("Solara is not installed (pip install -e '.[viz]'): sim-demo refuses to start without it")
    for name, text in situation.files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        values = {RESULTS: str(folder / "results"), TAKEN: str(taken.getsockname()[1])}
        real = {k: values.get(v, v) for k, v in situation.values.items()}
        argv = []
        for word in [*line.words, *situation.extra]:
            key, sep, value = word.partition("=")
            argv.append(f"{key}={real[value]}" if sep and value in real else real.get(word, values.get(word, word)))
        status, errors = checked(line, capsys, argv)
    if status != situation.status or situation.error not in errors:
        return f"{line.page}: `{line.text}` as {argv} exits {status}, not {situation.status} with {situation.error!r}:\n{errors}"
    return None


@pytest.mark.parametrize("where", list(SITUATIONS), ids=[f"{page}: {text}" for page, text in SITUATIONS])
def test_a_situation_the_pages_show_ends_as_they_say(where, checked, capsys, tmp_path):
    line = next(line for line in LINES if (line.page, line.text) == where)
    assert _situation_problem(line, SITUATIONS[where], checked, capsys, tmp_path) is None


def _misspelt(text: str) -> str:
    """``text`` with the first setting or option it names misspelt (its name's second and third letters swapped)."""
    words = text.split()
    start = 3 if words[0] == "python" else 1
    i = next(i for i, w in enumerate(words) if i >= start and len(w.lstrip("-").partition("=")[0]) >= 4 and w.lstrip("-")[:1].isalpha())
    dashes = len(words[i]) - len(words[i].lstrip("-"))
    name = words[i][dashes:]
    words[i] = words[i][:dashes] + name[0] + name[2] + name[1] + name[3:]
    return " ".join(words)


@pytest.mark.parametrize("where", list(SITUATIONS), ids=[f"{page}: {text}" for page, text in SITUATIONS])
def test_a_situation_line_misspelt_on_its_page_is_caught(where, checked, capsys, tmp_path):
    """The page's text copied with the line's setting misspelt: the line found in the copy no longer ends as the page says."""
    page, text = where
    wrong = _misspelt(text)
    copy = re.sub(r"\s+".join(map(re.escape, text.split())), wrong, dict(_texts())[page])  # the line may be wrapped on its page
    found = [line for line in doc_lines([(page, copy)]) if line.text == wrong]
    assert wrong != text and found
    assert _situation_problem(found[0], SITUATIONS[where], checked, capsys, tmp_path) is not None


MISSPELT_OWN = [("docs/results.md", "policy=search_1", "policy=serach_1"), ("docs/sweeps.md", "policies=[none,search_1", "policies=[nnoe,search_1")]


@pytest.mark.parametrize(("page", "text", "wrong"), MISSPELT_OWN)
def test_a_misspelt_name_with_config_dir_on_a_page_is_caught(page, text, wrong, checked, capsys):
    """A ``--config-dir`` line of a page's copy naming a file neither shipped nor the user's own (a misspelling) is refused."""
    copy = dict(_texts())[page].replace(text, wrong)
    found = [line for line in doc_lines([(page, copy)]) if wrong in line.text and "--config-dir" in line.text]
    assert found and all(_line_problem(line, checked, capsys) is not None for line in found)


def _read_folder(line: Line) -> str | None:
    """The placeholder naming the results folder ``line`` reads (``sim-report DIR``), or None for a line reading none."""
    reads = line.command in ("sim-report", "sim-collect") or line.words[:1] == ["discover"]
    words = [w for w in line.words if not w.startswith("-") and w != "discover"]
    return words[0] if reads and words and PLACEHOLDER.match(words[0]) else None


#: The lines reading a results folder the page names with a placeholder, by text (a docstring repeats a page's line).
READING = sorted({line.text: line for line in CHECKED if _read_folder(line) and "--help" not in line.words}.values(), key=lambda line: line.text)


def _folder_kind(line: Line, word: str) -> str:
    """What the placeholder ``word`` of ``line`` stands for, as its page says: a sweep's point (``DIR/N``), a sweep (what
    ``sim-collect`` reads, ``<sweep>``, ``multirun/...``), a run with parameter draws (``RUN``: ``--threshold`` applies to its
    draws), or a run."""
    if re.fullmatch(r"[A-Z_]+/N", word):
        return "sweep/0"
    if line.command == "sim-collect" or word == "<sweep>" or word.startswith("multirun/"):
        return "sweep"
    return "draws" if word.startswith("RUN") else "run"


@pytest.fixture(scope="module")
def results_folders(tmp_path_factory) -> Path:
    """Small results folders made by sim-run: ``run`` (20 replications), ``draws`` (100 in 4 parameter draws), ``sweep`` (2 points)."""
    made = tmp_path_factory.mktemp("made")
    sim_run = str(Path(sys.executable).with_name("sim-run"))
    for args in (
        ["replications=20", f"out={made / 'run'}"],
        ["replications=100", "uncertainty=prior", f"out={made / 'draws'}"],
        ["-m", "seed=1,2", "replications=20", f"out={made / 'sweep'}"],
    ):
        done = subprocess.run([sim_run, *args], capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr
    return made


@pytest.mark.slow  # sim-run makes the folders
@pytest.mark.parametrize("line", READING, ids=[line.text for line in READING])
def test_a_line_reading_a_results_folder_runs_on_a_real_one(line, results_folders, checked, capsys, tmp_path):
    """The placeholder made a real folder of the kind the page means, the line runs to its end (exit 0)."""
    if line.words[:1] == ["discover"] and importlib.util.find_spec("ema_workbench") is None:
        pytest.skip("the EMA Workbench is not installed (pip install -e '.[analysis]'): sim-analyse discover finds boxes with its PRIM")
    status, errors = _read_on_a_real_folder(line, results_folders, checked, capsys, tmp_path)
    assert status == 0, f"{line.page}: `{line.text}` exits {status}:\n{errors}"


def _read_on_a_real_folder(line: Line, made: Path, checked, capsys, folder: Path) -> tuple[int, str]:
    """The exit status and error lines of ``line`` run on a copy, in ``folder``, of the folder of ``made`` its placeholder stands for."""
    word = _read_folder(line)
    kind = _folder_kind(line, word)
    shutil.copytree(made / kind.partition("/")[0], folder / "read" / kind.partition("/")[0])
    return checked(line, capsys, [str(folder / "read" / kind) if w == word else w for w in line.words])


#: A page's line reading a results folder, mistaken in a copy of its page: a value out of range, a misspelt option, a sweep's
#: option on a run.
MISTAKEN_READING = [
    ("docs/reports.md", "--min-coverage 0.4", "--min-coverage 4"),
    ("docs/results.md", "sim-collect DIR`", "sim-collect DIR --reprot`"),
    ("docs/reports.md", "sim-analyse discover RUN --threshold 0.5", "sim-analyse discover DIR --threshold 0.5"),
]


@pytest.mark.slow  # sim-run makes the folders
@pytest.mark.parametrize(("page", "text", "wrong"), MISTAKEN_READING)
def test_a_mistaken_line_reading_a_results_folder_is_caught(page, text, wrong, results_folders, checked, capsys, tmp_path):
    copy = dict(_texts())[page].replace(text, wrong)
    found = sorted({line for line in doc_lines([(page, copy)]) if line.text not in {old.text for old in LINES}}, key=lambda line: line.text)
    assert found and all(wrong.strip("`") in line.text for line in found)
    assert all(_read_on_a_real_folder(line, results_folders, checked, capsys, tmp_path / str(i))[0] != 0 for i, line in enumerate(found))
