"""Unknown keys on the command line: the line names the first part of the path that names nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sim
from sim.config import schema
from sim.config.overrides import split_override, unknown_path
from sim.config.settings import RunSettings


@pytest.fixture(scope="module")
def run_schema():
    return schema.run_schema(RunSettings, "RunSchema")


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("mechanisms.cse04.hazard", "mechanisms.cse04.hazard is not a parameter: mechanisms.cse04 names nothing (did you mean case04?)"),
        ("councils.0.x.y", "councils.0.x.y is not a parameter: councils.0.x names nothing (known: name, tier, size, "),
        ("councils.0.pace.x", "councils.0.pace.x is not a parameter: councils.0.pace is a parameter, not a section"),
        ("mechanisms.case04.enabled.x", "mechanisms.case04.enabled.x is not a parameter: mechanisms.case04.enabled is a parameter, not a section"),
        ("councils.0.it_maturity.1", "councils.0.it_maturity.1 is not a parameter: councils.0.it_maturity is a parameter, not a section"),
        ("mechanisms.case04.hazzard", "mechanisms.case04.hazzard is not a parameter (known: enabled, "),
    ],
)
def test_a_path_through_a_section_that_names_nothing_is_refused_with_that_section(run_schema, key, line):
    """An unknown mechanism (mechanisms.case09.x) passed the key check: it was refused as 'is not a parameter'
    with no hint, or not at all (councils.0.x.y), when Hydra's composition failed on it and hid the other problems."""
    found = unknown_path(key, run_schema, "sim-run")
    assert found is not None and found.startswith(line)


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("scenario.foo", ""),
        ("scenario.councils.0.size", " (did you mean councils.0.size?)"),
        ("scenario.governance", " (did you mean partnership.governance?)"),
        ("sweep.seed", " (did you mean seed?)"),
        ("policy.continuity_plan.enabled", " (did you mean levers.continuity_plan.enabled?)"),
        ("scenario.case05.enabled", " (did you mean mechanisms.case05.enabled?)"),
    ],
)
def test_a_path_through_a_config_group_names_the_closest_path_and_the_sections(run_schema, key, hint):
    """sim-run scenario.foo=1 said 'scenario.foo is not a parameter', naming nothing allowed: a config group is chosen by name,
    and what it sets has its own path."""
    group = key.split(".")[0]
    assert unknown_path(key, run_schema, "sim-run", ("scenario", "policy", "sweep")) == (
        f"{key} is not a parameter: {group} is a config group, chosen by name ({group}=NAME), and what it sets has its own path{hint}"
        " (known sections: councils, partnership, dynamics, decisions, exogenous, mechanisms, levers; settings: see sim-run --help)"
    )


@pytest.mark.parametrize("key", ["councils.0.pace", "mechanisms.case04.enabled", "partnership.horizon_months", "replications"])
def test_a_known_path_is_not_refused(run_schema, key):
    assert unknown_path(key, run_schema, "sim-run") is None


@pytest.mark.parametrize(
    ("line", "split"),
    [
        ("replications=10", ("replications", "10")),
        ("+sweep=policies", ("sweep", "policies")),
        ("++hydra.run.dir=out/a=b", ("hydra.run.dir", "out/a=b")),
        ("~resume", ("resume", "")),
    ],
)
def test_an_override_is_split_into_its_key_and_value(line, split):
    assert split_override(line) == split


def test_overrides_are_split_in_one_place():
    """The commands and the Python API each split overrides on '=' and stripped Hydra's prefixes themselves
    (some '+' only): one function serves them all."""
    package = Path(sim.__file__).parent
    modules = [package / "api.py", *(package / "cli").glob("*.py"), *(package / "config").glob("*.py"), *(package / "frontends").glob("*.py")]
    copies = [
        f"{path.relative_to(package)}:{n}"
        for path in sorted(modules)
        if path.name != "overrides.py"
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""lstrip\(["'][+~]""", text)
    ]
    assert not copies, f"override keys stripped of '+'/'~' outside split_override: {copies}"


def test_a_value_hydra_reads_only_in_quotes_is_shown_quoted_in_the_line_refusing_it():
    """posterior=~/cal/posterior.parquet (a ~ the shell left, as in quotes or zsh) was told to 'quote a value with spaces, commas or
    brackets', which it has none of: the line now names the ~ and gives the override quoted, as Hydra reads it."""
    from sim.config.overrides import parse

    _, problems = parse(["posterior=~/cal one/posterior.parquet"])
    assert len(problems) == 1 and "(Hydra reads ~ in a value only inside quotes: posterior='~/cal one/posterior.parquet': see " in problems[0]
    parsed, fine = parse(["posterior='~/cal one/posterior.parquet'"])
    assert fine == [] and parsed[0].value() == "~/cal one/posterior.parquet"
    assert "(quote a value with spaces, commas or brackets: see " in parse(["seed=[1,2"])[1][0]


HYDRA_KEYS = "(known: run, sweep, launcher, sweeper, help, hydra_help, hydra_logging, job_logging, env, mode, searchpath, callbacks,"


@pytest.mark.parametrize(
    ("overrides", "line"),
    [
        (["+hydra.foo=1"], f"hydra.foo is not a setting of hydra {HYDRA_KEYS}"),
        (["++hydra.foo=1"], f"hydra.foo is not a setting of hydra {HYDRA_KEYS}"),
        (["+hydra.run.x=1"], "hydra.run.x is not a setting of hydra.run (known: dir)"),
        (["+hydra.runn.dir=x"], f"hydra.runn.dir: hydra.runn is not a section of hydra (did you mean run?) {HYDRA_KEYS}"),
    ],
)
def test_a_key_added_to_a_section_of_hydra_that_does_not_declare_it_is_refused_as_a_misspelt_one_is(run_schema, overrides, line):
    """sim-run +hydra.foo=1 was taken and the run went on in full, nothing reading hydra.foo, where hydra.fooo=1 is refused.
    A key added where Hydra takes any key (an environment variable, a logger) is still taken, with the refused one's line."""
    from sim.config.overrides import compose_problems

    taken = ["+hydra.job.env_set.SIM_X=1", "+hydra.job_logging.loggers.numba.level=WARNING", "+hydra.env.x=1"]
    cfg, problems, failed = compose_problems("config", [*taken, *overrides], return_hydra_config=True, schema=run_schema, command="sim-run")
    assert len(problems) == 1 and problems[0].startswith(line), problems
    assert failed and cfg.hydra.job.env_set.SIM_X == "1"


@pytest.mark.parametrize(
    ("overrides", "lines"),
    [
        (["~hydra.runn"], [f"~hydra.runn deletes nothing: hydra.runn is not a setting of hydra (did you mean run?) {HYDRA_KEYS}"]),
        (["~replicationz"], ["~replicationz deletes nothing: replicationz is not a setting or a section of sim-run (did you mean replications?)"]),
        (["~design"], ["~design deletes nothing: design is not set (null), and only a setting that has a value can be deleted"]),
        (
            ["~hydra.runn", "~partnership.horizn_months", "+foo=1"],
            [
                "foo is not a setting or a section of sim-run (see sim-run --help)",
                "~partnership.horizn_months deletes nothing: partnership.horizn_months is not a parameter (did you mean horizon_months?)",
                f"~hydra.runn deletes nothing: hydra.runn is not a setting of hydra (did you mean run?) {HYDRA_KEYS}",
            ],
        ),
    ],
)
def test_deleting_what_is_not_there_names_the_keys_there_are(run_schema, overrides, lines):
    """sim-run ~hydra.runn said "Could not delete from config. 'hydra.runn' does not exist." and nothing of what there is;
    each deletion with nothing to delete now has its line, with the other problems."""
    from sim.config.overrides import compose_problems

    _, problems, failed = compose_problems("config", overrides, return_hydra_config=True, schema=run_schema, command="sim-run")
    assert len(problems) == len(lines) and all(p.startswith(line) for p, line in zip(problems, lines, strict=True)), problems
    assert failed


@pytest.mark.parametrize(
    ("typed", "change"),
    [
        ("~hydra.run.dir", "hydra.run.dir=VALUE changes it"),
        ("~hydra.run", "hydra.run.KEY=VALUE changes one of its settings (known: dir)"),
        ("~hydra.verbose", "hydra.verbose=VALUE changes it"),
        ("~hydra.launcher", "hydra/launcher=NAME chooses another"),
        ("~hydra.job_logging", "hydra/job_logging=NAME chooses another"),
    ],
)
def test_deleting_one_of_hydras_own_settings_says_how_to_change_it(run_schema, typed, change):
    """sim-run ~hydra.run said "~hydra.run: HydraConf (DictConfig) does not support deletion", not what to do instead."""
    from sim.config.overrides import compose_problems

    key = typed[1:]
    _, problems, failed = compose_problems("config", [typed], return_hydra_config=True, schema=run_schema, command="sim-run")
    assert problems == [
        f"{typed}: {key} is one of Hydra's own settings, which can be changed but not deleted: {change} "
        f"(see sim-run --hydra-help); leave {typed} out for its default"
    ]
    assert failed


@pytest.mark.parametrize("deleted", ["~hydra.run.dir", "~hydra.runn", "~replicationz"])
def test_a_refused_deletion_leaves_the_rest_composed_so_its_values_are_checked(run_schema, deleted):
    """With ~hydra.run.dir refused the config was None: a command could not check the rest of the line's values."""
    from sim.config.overrides import compose_problems

    cfg, problems, failed = compose_problems("config", [deleted, "replications=7"], return_hydra_config=True, schema=run_schema, command="sim-run")
    assert failed and len(problems) == 1 and problems[0].startswith(deleted), problems
    assert cfg is not None and cfg.replications == 7


@pytest.mark.parametrize("typed", ["+replications=10", "+hydra.verbose=true"])
def test_adding_a_key_that_is_there_says_how_to_change_it(run_schema, typed):
    """sim-run +replications=10 said 'error: replications: None'."""
    from sim.config.overrides import compose_problems

    key, value = split_override(typed)
    _, problems, _ = compose_problems("config", [typed], return_hydra_config=True, schema=run_schema, command="sim-run")
    assert problems == [f"{typed}: {key} is set already, and + adds only a key that is not there: write {key}={value} to change it"]


@pytest.mark.parametrize(
    ("deleted", "line"),
    [
        (
            "~scenario",
            "~scenario: a config group is chosen, not deleted: scenario=NAME chooses another (see sim-run --help); leave ~scenario out for the default",
        ),
        ("~policy", "~policy: a config group is chosen, not deleted: policy=NAME chooses another (see sim-run --help); leave ~policy out for the default"),
        (
            "~hydra/job_logging",
            "~hydra/job_logging: a config group is chosen, not deleted: hydra/job_logging=NAME chooses another (see sim-run --hydra-help);"
            " leave ~hydra/job_logging out for the default",
        ),
    ],
)
def test_deleting_a_config_group_says_it_is_chosen(run_schema, deleted, line):
    """sim-run ~scenario said 'councils has 0 councils; allowed: 2 to 8', ~policy failed in the job with two lines ('Error executing
    job with overrides', 'Key 'policy' is not in struct') and ~hydra/job_logging with a traceback (KeyError: 'root')."""
    from sim.config.overrides import compose_problems

    groups = ("scenario", "policy", "sweep")
    _, problems, failed = compose_problems("config", [deleted], return_hydra_config=True, schema=run_schema, command="sim-run", groups=groups)
    assert problems == [line] and failed


@pytest.mark.parametrize("overrides", [["replications=10", "~replications"], ["~replications", "replications=10"]])
def test_a_key_both_set_and_deleted_is_refused_in_one_line(run_schema, overrides):
    """sim-run replications=10 ~replications ran the default 4,000 replications: the deletion dropped the value given, silently."""
    from sim.config.overrides import compose_problems

    _, problems, _ = compose_problems("config", overrides, return_hydra_config=True, schema=run_schema, command="sim-run")
    assert problems == [
        "replications=10 and ~replications both given: one sets replications, the other deletes it; give replications=10 for that value,"
        " or ~replications alone for the default"
    ]


@pytest.mark.parametrize(
    ("typed", "given"),
    [("+hydra.sweeper.params.seed=1,2", "seed=1,2"), ("hydra.sweeper.params.seed=1", "seed=1"), ("hydra.sweeper.params={seed:'1,2'}", "seed=1,2")],
)
def test_a_sweepers_params_on_the_command_line_say_how_a_sweep_is_given(run_schema, typed, given):
    """sim-run -m +hydra.sweeper.params.seed=1,2 ended in Hydra's traceback ('AssertionError: Unexpected type for root: NoneType', exit 1):
    the sweeper's params are null unless a sweep preset sets them."""
    from sim.config.overrides import compose_problems

    _, problems, failed = compose_problems("config", [typed], return_hydra_config=True, schema=run_schema, command="sim-run")
    assert problems == [
        f"{typed}: hydra.sweeper.params is not set on the command line; a multirun's values are given as {given} (sim-run -m {given}),"
        " or under hydra.sweeper.params in a config (a sweep preset, configs/sweep/)"
    ]
    assert failed
