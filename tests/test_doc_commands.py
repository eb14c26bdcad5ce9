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
is any path, ``--config-dir FOLDER`` a folder holding the scenario and policy files the line
names, ``targets=my_region.yaml`` / ``my_record.csv`` copies of the shipped targets and record,
``design=points.csv`` a design ``sim-analyse design`` wrote, ``$USER`` a name; ``...`` (and an
argument whose value holds it) and a shell substitution ``$(...)`` are left out. A line the page
shows being refused is one in a paragraph or table row that also shows an ``error:`` line: it
must be refused (exit 2).
"""

from __future__ import annotations

import importlib
import json
import re
import shlex
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def _blocks(text: str) -> list[tuple[list[str], bool, bool]]:
    """The page's candidate lines by block (a fenced block's lines; a table row's or a paragraph's code spans),
    whether the block shows an ``error:``, and whether it is fenced."""
    blocks = [(re.sub(r"\\\n\s*", " ", fence).splitlines(), False, True) for fence in re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)]
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.M | re.S)
    for paragraph in re.split(r"\n\s*\n", prose):
        for part in paragraph.splitlines() if paragraph.lstrip().startswith("|") else [paragraph]:
            spans = re.findall(r"``(.+?)``|`([^`]+)`", part, re.S)
            blocks.append(([" ".join((a or b).split()) for a, b in spans], "error:" in part, False))
    return blocks


def doc_lines() -> list[Line]:
    """Every command line of the pages and the notebooks' markdown (a code span that is only a command's name is a mention)."""
    found = []
    for page, text in _texts():
        for lines, refused, fenced in _blocks(text):
            for raw in lines:
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
        elif sep and key == "targets" and value in ("my_region.yaml", "mine.yaml"):
            shutil.copy(ROOT / "sim" / "config" / "targets" / "uk_breakups.yaml", folder / value)
        elif sep and key == "targets" and value in ("my_record.csv", "mine.csv"):
            shutil.copy(ROOT / "data" / "uk_breakups.csv", folder / value)
        out.append(word)
    (folder / "results").mkdir(exist_ok=True)
    own = folder / "own"
    for group, base in (("scenario", "baseline"), ("policy", "none")):
        (own / group).mkdir(parents=True, exist_ok=True)
        for key, _, value in (word.partition("=") for word in out):
            names = value.strip("[]").split(",") if key in LISTING[group] else []
            for name in (n for n in names if n and n not in SHIPPED[group]):
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

    def options_only(self, args=None):
        namespace, problems = parse_all(self, args)
        if not problems and getattr(namespace, "folder", None) is not None and namespace.folder.is_dir():
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
    monkeypatch.setattr("sim.viz.cli.address_problem", stop)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")

    def run(line: Line, capsys) -> tuple[int, str]:
        argv = _placeholders(line.argv, tmp_path)
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


@pytest.mark.parametrize("line", CHECKED, ids=[f"{line.page}: {line.text}" for line in CHECKED])
def test_every_command_line_on_the_pages_is_accepted(line, checked, capsys):
    if _tunes_without_optuna(line.text):
        pytest.skip("Optuna is not installed (pip install -e '.[search]'): sim-search tunes with it, and refuses tune > 0 without it")
    status, errors = checked(line, capsys)
    if line.expected:
        assert status == 2, f"{line.page}: `{line.text}` is shown refused, but its command accepts it (exit {status})"
    else:
        assert status == 0, f"{line.page}: `{line.text}` exits {status}:\n{errors}"


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
]


@pytest.mark.parametrize("text", RENAMED)
def test_a_line_with_a_renamed_setting_is_caught(text, checked, capsys):
    """Each command's line is refused when a setting, option or parameter it names no longer exists."""
    status, errors = checked(Line("test", text, refused=False), capsys)
    assert status == 2 and "error:" in errors, f"`{text}` exits {status}"
