"""One checker for parameters and settings alike: one line per problem, naming the value and what is allowed."""

from __future__ import annotations

import pytest

from sim.config.checks import ConfigError, allowed, check_fixed, check_number, fmt
from sim.core.declare import Spec

UNIT = Spec("share", 0, 1, "a share")
MONTHS = Spec("months", 1, 120, "months", integer=True)
MONEY = Spec("GBP m per year", 0, 100, "savings promised")


@pytest.mark.parametrize(
    ("value", "spec", "problems"),
    [
        (0.5, UNIT, []),
        (1, UNIT, []),
        (12, MONTHS, []),
        (12.0, MONTHS, []),
        (1.5, UNIT, ["x = 1.5 is outside [0, 1]"]),
        (-0.1, UNIT, ["x = -0.1 is outside [0, 1]"]),
        (float("nan"), UNIT, ["x = nan is outside [0, 1]"]),
        (float("-inf"), UNIT, ["x = -inf is outside [0, 1]"]),
        (80, UNIT, ["x = 80 is outside [0, 1] (a share from 0 to 1: 80% is 0.8)"]),  # a policy officer's percentage
        (120, UNIT, ["x = 120 is outside [0, 1]"]),
        (150, MONTHS, ["x = 150 is outside [1, 120]"]),
        (True, UNIT, ["x = True is not a number (allowed: [0, 1])"]),
        ("0.5", UNIT, ["x = '0.5' is not a number (allowed: [0, 1])"]),
        ("20%", UNIT, ["x = '20%' is not a number (allowed: [0, 1]) (a share from 0 to 1: 20% is 0.2)"]),  # a percentage typed with its sign
        ("20%", MONTHS, ["x = '20%' is not a number (allowed: [1, 120])"]),
        ("150%", UNIT, ["x = '150%' is not a number (allowed: [0, 1])"]),
        ("a%", UNIT, ["x = 'a%' is not a number (allowed: [0, 1])"]),
        (None, UNIT, ["x = None is not a number (allowed: [0, 1])"]),
        (2.5, MONTHS, ["x = 2.5 is not a whole number (allowed: [1, 120])"]),
        (0, MONTHS, ["x = 0 is outside [1, 120]"]),
        (1_500_000, MONEY, ["x = 1500000 is outside [0, 100] (in GBP m per year: GBP 1,500,000 is 1.5)"]),  # a policy officer's pounds
        (250_000.0, MONEY, ["x = 250000 is outside [0, 100] (in GBP m per year: GBP 250,000 is 0.25)"]),
        (150, MONEY, ["x = 150 is outside [0, 100]"]),
    ],
)
def test_check_number(value, spec, problems):
    assert check_number("x", value, spec) == problems


@pytest.mark.parametrize(
    ("value", "spec", "problems"),
    [
        (True, Spec("flag", None, None, ""), []),
        (1, Spec("flag", None, None, ""), ["x = 1 must be true or false"]),
        ("A", Spec("text", None, None, ""), []),
        (3, Spec("text", None, None, ""), ["x = 3 must be text"]),
        ("b", Spec("category", None, None, "", choices=("a", "b")), []),
        ("c", Spec("category", None, None, "", choices=("a", "b")), ["x = 'c' is not one of a, b"]),
        (7, MONTHS, []),
    ],
)
def test_check_fixed(value, spec, problems):
    assert check_fixed("x", value, spec) == problems


def test_a_config_error_is_its_problems_one_per_line():
    err = ConfigError(["a is wrong", "b is wrong"])
    assert isinstance(err, ValueError) and err.problems == ["a is wrong", "b is wrong"] and str(err) == "a is wrong\nb is wrong"


def test_numbers_are_written_as_the_user_would():
    assert (fmt(0.5), fmt(3), fmt(1e-7), fmt("a")) == ("0.5", "3", "1e-07", "a")
    assert allowed(UNIT) == "[0, 1]"


def test_jupyter_shows_a_bad_input_as_its_problems_without_a_traceback(capsys):
    """A ConfigError in a notebook printed 21-29 lines of traceback above its one clear line per problem."""
    shell = pytest.importorskip("IPython.core.interactiveshell").InteractiveShell.instance()
    shell.run_cell("import sim\nsim.partnership([sim.council('A', it_maturity=1.7), sim.council('B', pace=-1)])")
    shown = capsys.readouterr().out.strip().splitlines()
    assert shown == ["ConfigError: council 'A': it_maturity = 1.7 is outside [0, 1]", "ConfigError: council 'B': pace = -1 is outside [0, 1]"], shown


def _parser():
    from pathlib import Path

    from sim.config.checks import ArgumentParser

    parser = ArgumentParser(prog="demo")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--share", type=float, default=0.5)
    parser.add_argument("--method", choices=("lhs", "sobol"), default="lhs")
    parser.add_argument("--out", type=Path, default=Path("x.csv"))
    return parser


def test_the_argument_parser_notes_every_bad_value_and_keeps_the_defaults():
    """argparse stopped at the first value it could not read: the others, and the command's own checks, went unsaid."""
    args, problems = _parser().parse_all(["--n", "abc", "--share", "half", "--method", "grid", "--colour", "red"])
    assert problems == [
        "--n = 'abc' is not a whole number (see demo --help)",
        "--share = 'half' is not a number (see demo --help)",
        "--method = 'grid' is not one of lhs, sobol",
        "unrecognized arguments: --colour red (see demo --help)",
    ]
    assert (args.n, args.share, args.method) == (100, 0.5, "lhs")


def test_an_option_must_be_typed_in_full_and_a_near_miss_is_named():
    """argparse took '--replication 500' for '--replications 500' (sim-validate, found by checking the docs' command lines): a
    shortened option ran as whichever option it starts, so a renamed option could be taken silently."""
    args, problems = _parser().parse_all(["--me", "sobol", "--shar=0.2"])
    assert problems == ["unrecognized arguments: --me sobol --shar=0.2; did you mean --me -> --method, --shar -> --share? (see demo --help)"]
    assert (args.method, args.share) == ("lhs", 0.5)


def test_the_argument_parser_exits_2_with_one_line_per_problem(capsys):
    with pytest.raises(SystemExit) as stop:
        _parser().parse_args(["--n", "1.5", "--method", "x"])
    assert stop.value.code == 2
    lines = ["error: --n = '1.5' is not a whole number (see demo --help)", "error: --method = 'x' is not one of lhs, sobol"]
    assert capsys.readouterr().err.splitlines() == lines
    args = _parser().parse_args(["--n", "7", "--method", "sobol"])
    assert (args.n, args.method) == (7, "sobol")


def test_an_option_without_its_value_is_named_and_the_rest_still_read():
    """An option typed without its value (at the end, or before another option) stopped parsing: the other problems went unsaid."""
    args, problems = _parser().parse_all(["--n", "abc", "--share", "--method", "sobol", "--out"])
    assert problems == [
        "--n = 'abc' is not a whole number (see demo --help)",
        "argument --share: expected one argument (see demo --help)",
        "argument --out: expected one argument (see demo --help)",
    ]
    assert (args.n, args.share, args.method, str(args.out)) == (100, 0.5, "sobol", "x.csv")


def test_a_missing_required_argument_is_said_with_the_problems_noted_before_it(capsys):
    from sim.config.checks import ArgumentParser

    parser = ArgumentParser(prog="demo")
    parser.add_argument("folder")
    parser.add_argument("--n", type=int, default=1)
    with pytest.raises(SystemExit) as stop:
        parser.parse_args(["--n", "x"])
    assert stop.value.code == 2
    said = capsys.readouterr().err.splitlines()
    assert said == ["error: --n = 'x' is not a whole number (see demo --help)", "error: the following arguments are required: folder (see demo --help)"]


def test_a_checked_function_names_an_argument_it_has_not_with_the_closest_it_has_and_runs_as_before():
    from sim.config.checks import arguments_checked

    @arguments_checked("sim.example")
    def example(table, replications=4, *, seed=0):
        """An example."""
        return table, replications, seed

    assert example(1, 2, seed=3) == (1, 2, 3) and example.__name__ == "example" and example.__doc__ == "An example."
    with pytest.raises(ConfigError) as refused:
        example(1, replication=5)
    assert refused.value.problems == [
        "sim.example: replication= is not one of its arguments (did you mean replications?) (they are: table, replications, seed)"
    ]
    with pytest.raises(ConfigError) as refused:
        example(1, 2, 3)
    assert refused.value.problems == ["sim.example: 3 arguments given by position, where it takes only table, replications so: give the others by name"]
    with pytest.raises(ConfigError) as refused:
        example(seed=1)
    assert refused.value.problems == ["sim.example: table is missing (it has no default)"]
