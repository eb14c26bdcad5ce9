"""A toy mechanism, declared in this test only: registered for a while, it runs everywhere a mechanism of the package runs.

The toy (case "toy"): each month, every council still in loses heart with a small hazard,
scaled by its pace, and sees some value taken with it. Inside ``with registered(toy):`` it is
drawn, stepped and booked by the kernel, checked by the same contract checks as the
package's mechanisms, narrated, documented in the parameter reference and accepted by the
configuration, and nothing in ``sim/`` knows about it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import assert_same_state, make_config
from mechanism_checks import CHECKS, check_registry

from sim import population
from sim.cli import paramdocs
from sim.config.checks import ConfigError
from sim.config.model import model_config
from sim.config.scenarios import load
from sim.core import jit, kernel
from sim.core.contract import LOST_VALUE, Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, note
from sim.core.declare import param
from sim.core.jit import compiled
from sim.core.layout import layout
from sim.core.mechanisms import MECHANISMS, by_name, mechanisms, registered
from sim.core.state import StateArrays
from sim.frontends import narrative
from sim.frontends.ensemble import run_ensemble
from sim.frontends.model import PartnershipModel


@dataclass
class ToyParams(MechanismParams):
    """The toy's parameters."""

    hazard: float = param(
        0.1,
        0,
        1,
        "per month",
        "monthly chance a council at full pace loses heart",
        concept="a toy for the tests",
        prior={"dist": "uniform", "low": 0.05, "high": 0.2},
    )


class Stream(IntEnum):
    """Random streams."""

    DOUBT = 0


class Ev(IntEnum):
    """Kinds of event."""

    LOST_HEART = 0


BLOW = 0.05


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Every council still in loses heart with the toy hazard times its pace, and sees some value taken with it."""
    i = m.i
    if not q.enabled:
        return
    for k in range(s.council.shape[1]):
        if s.council[i, k].active and m.draws[Stream.DOUBT, k] < q.hazard * P.council[i, k].pace:
            fx.value[k] = BLOW
            own.council[i, k].doubts += 1
            note(fx, Ev.LOST_HEART, k, BLOW)


MECHANISM = Mechanism(
    name="toy",
    cause="toy_doubt",
    case="toy",
    title="A toy: councils lose heart",
    params=ToyParams,
    step=step,
    streams=Stream,
    events={Ev.LOST_HEART: Event("lost heart (a toy)", LOST_VALUE)},
    reads=("pace", "active"),
    own=OwnState(council={"doubts": (np.int64, 0)}),
)


@contextmanager
def toy_registered() -> Iterator[Mechanism]:
    """The toy registered while the ``with`` block lasts, compiled into the shared on-disk cache like any study's mechanism.

    That this leaves the cache usable by processes that cannot import this module is what
    :func:`test_a_registry_with_a_mechanism_from_elsewhere_leaves_the_shared_cache_usable` checks.
    """
    with registered(MECHANISM):
        yield MECHANISM


@pytest.fixture
def toy():
    """The toy, registered while one test runs (tests without this fixture see the package's registry)."""
    with toy_registered():
        yield MECHANISM


def test_it_is_registered_only_for_a_while():
    assert "toy" not in by_name()
    with registered(MECHANISM):
        assert mechanisms() == (*MECHANISMS, MECHANISM) and by_name()["toy"] is MECHANISM
        assert layout().mechanisms[-1] is MECHANISM and "toy.doubt" in layout().streams
        with pytest.raises(ValueError, match="registered already"), registered(MECHANISM):
            pass
    assert mechanisms() == MECHANISMS and "toy_doubt" not in layout().cause_index


def test_the_configuration_accepts_it(toy):
    cfg = model_config({"councils": [{}, {}], "mechanisms": {"toy": {"hazard": 0.5}}})
    assert isinstance(cfg.mechanisms["toy"], ToyParams) and cfg.mechanisms["toy"].hazard == 0.5
    assert model_config({"councils": [{}, {}]}).mechanisms["toy"] == ToyParams()
    with pytest.raises(ConfigError) as info:
        model_config({"councils": [{}, {}], "mechanisms": {"toy": {"hazard": 2, "speed": 1}}})
    assert info.value.problems[0] == "mechanisms.toy.hazard = 2 is outside [0, 1]"
    assert info.value.problems[1].startswith("mechanisms.toy.speed is not a parameter")


def test_hydra_accepts_its_parameters_on_the_command_line(toy):
    assert load("baseline", "none", ["mechanisms.toy.hazard=0.4", "mechanisms.toy.enabled=false"]).mechanisms["toy"] == ToyParams(enabled=False, hazard=0.4)


def test_hydra_follows_the_registry_as_it_changes():
    """The schema is stored again only when the registry changed, and then always (a stale schema would accept or refuse wrongly)."""
    load("baseline")
    with toy_registered():
        assert load("baseline", "none", ["mechanisms.toy.hazard=0.4"]).mechanisms["toy"].hazard == 0.4
    with pytest.raises(ConfigError, match=r"mechanisms\.toy"):
        load("baseline", "none", ["mechanisms.toy.hazard=0.4"])
    assert load("baseline", "none", ["mechanisms.case07.identity=0.4"]).mechanisms["case07"].identity == 0.4


def test_a_command_made_after_the_registry_changed_composes_with_the_registry_as_it_is():
    """sim-run's module stores its schema when imported: imported while a study's mechanism was registered, a later
    sim-run in the same process composed every point with that mechanism and refused it ("mechanisms.toy is not known")."""
    from hydra.core.config_store import ConfigStore

    from sim.cli import run as run_cli
    from sim.cli.common import model_command
    from sim.config import schema
    from sim.config.settings import RunSettings

    def stored() -> list[str]:
        return list(ConfigStore.instance().load(f"{schema.SCHEMA_NAME}.yaml").node.mechanisms)

    with toy_registered():
        schema.register()
        assert "toy" in stored()
    model_command("sim-run", run_cli.app, "config", RunSettings, run_cli.run_check, run_cli.run_need)
    assert "toy" not in stored() and "case07" in stored()


def test_unregistered_the_configuration_refuses_it():
    with pytest.raises(ConfigError, match=r"mechanisms\.toy is not known"):
        model_config({"councils": [{}, {}], "mechanisms": {"toy": {"hazard": 0.5}}})


@pytest.fixture(scope="module")
def run():
    """Forty replications of three councils with the toy (and every other mechanism), with the event log."""
    with toy_registered():
        cfg = make_config(k=3, quiet=False, mechanisms={"toy": {"hazard": 0.2}}, partnership={"horizon_months": 60})
        reps = np.arange(40, dtype=np.int64)
        P = population.build(cfg, 7, reps)
        log: list[kernel.Event] = []
        return cfg, P, kernel.run(P, reps, 7, log=log), log


def test_it_runs_through_the_kernel(toy, run):
    _, P, s, log = run
    c = layout().cause_index["toy_doubt"]
    assert len(P.mech) == len(MECHANISMS) + 1 and P.mech[-1]["hazard"].tolist() == [0.2] * 40
    assert s.value_lost[c].sum() > 0
    events = [e for e in log if e.cause == "toy_doubt"]
    assert events and {(e.case, e.what, e.size) for e in events} == {("toy", "lost heart (a toy)", BLOW)}
    doubts = s.mech("toy")["doubts"]
    assert doubts.sum() == len(events)
    assert {e.cause for e in log} > {"toy_doubt"}  # the package's mechanisms and exogenous change still run


def test_the_whole_run_loop_and_the_logged_month_by_month_run_agree(toy, run):
    _, P, logged, _ = run
    for workers in (1, 2):
        assert_same_state(kernel.run(P, logged.reps, 7, workers=workers), logged)


def test_switched_off_it_changes_nothing(toy, run):
    cfg, _, _, _ = run
    reps = np.arange(40, dtype=np.int64)
    off = model_config({**cfg.to_dict(), "mechanisms": {**cfg.to_dict()["mechanisms"], "toy": {"enabled": False}}})
    s = kernel.run(population.build(off, 7, reps), reps, 7)
    assert not s.value_lost[layout().cause_index["toy_doubt"]].any() and not s.mech("toy")["doubts"].any()


def test_its_cause_reaches_the_replication_table_and_the_mesa_model(toy, run):
    cfg, _, _, _ = run
    table = run_ensemble(cfg, 12, 7, uncertainty="none")
    assert "toy_doubt" in list(table["cause"].cat.categories)
    assert table["value_lost_toy_doubt"].sum() > 0 and "savings_lost_toy_doubt" in table
    model = PartnershipModel(config=cfg, seed=7, replication=3, uncertainty="none")
    model.run_model()
    pd.testing.assert_frame_equal(model.replication_table(), table.iloc[[3]].reset_index(drop=True))
    assert any(e.cause == "toy_doubt" and "lost heart (a toy) (toy)" in e.text for e in model.events)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
def test_it_keeps_the_contract(toy, check):
    check_registry(mechanisms())
    check(toy)


def test_the_narrative_reads_its_events(toy):
    assert narrative.reading("lost heart (a toy)") == LOST_VALUE
    assert narrative.case_of("toy_doubt") == "toy"
    assert narrative.explain("toy_doubt") == "A toy: councils lose heart (toy)"
    log = narrative.EventLog()
    log.add(3, "Northdale DC", "lost heart (a toy)", "toy_doubt", BLOW)
    log.add(4, "Northdale DC", "lost heart (a toy)", "toy_doubt", BLOW)
    assert log.lines() == ["Months 3-4 - Northdale DC - lost heart (a toy) (toy) - the value it sees fell by 0.10 of the promise in all"]


def test_the_parameter_docs_list_it(toy):
    text = paramdocs.render()
    assert "## Mechanism `toy`: A toy: councils lose heart" in text
    for name in ("enabled", "hazard"):
        assert f"| `mechanisms.toy.{name}` |" in text
    assert "mechanisms.toy.hazard" not in text.split("## Mechanism `toy`")[0]


STUDY = textwrap.dedent(
    '''
    """A study's own mechanism, in a module of its own (case toy)."""

    from dataclasses import dataclass

    from sim.core.contract import Mechanism, MechanismParams
    from sim.core.jit import compiled


    @dataclass
    class Params(MechanismParams):
        """Its parameters."""


    @compiled
    def step(s, P, m, q, own, fx):
        """Does nothing."""
        return


    MECHANISM = Mechanism(name="study", cause="study", case="toy", title="A study", params=Params, step=step)
    '''
)
MONTH = """
import numpy as np
from sim import population
from sim.config.model import model_config
from sim.core import kernel
reps = np.arange(2)
P = population.build(model_config({"councils": [{}, {}], "partnership": {"horizon_months": 12}}), 0, reps)
kernel.step(kernel.init_state(P, reps), P, 0)
"""


@pytest.mark.slow
def test_a_registry_with_a_mechanism_from_elsewhere_leaves_the_shared_cache_usable(tmp_path):
    """A study's mechanism registered in one process wrote signatures naming its module into the shared cache's index:
    every later process failed to read it ('No module named ...'). The cache here starts as a user's does, holding the
    package's machine code (a copy of this session's, where it has one), so the later process reads the index the study
    added to and loads the package's code from it rather than compiling it all again (some 50 s)."""
    (tmp_path / "study").mkdir()
    (tmp_path / "study" / "study_mechanism.py").write_text(STUDY, encoding="utf-8")
    shared = jit.cache_root() / jit.source_hash()
    if shared.is_dir():
        shutil.copytree(shared, tmp_path / "cache" / shared.name)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    study = f"import sys\nsys.path.insert(0, {str(tmp_path / 'study')!r})\nimport study_mechanism\nfrom sim.core.mechanisms import registered\n"
    study += "with registered(study_mechanism.MECHANISM):\n" + textwrap.indent(MONTH, "    ")
    first = subprocess.run([sys.executable, "-c", study], capture_output=True, text=True, timeout=900, env=env, check=False)
    assert first.returncode == 0, first.stderr
    later = subprocess.run([sys.executable, "-c", MONTH], capture_output=True, text=True, timeout=900, env=env, check=False, cwd=tmp_path)
    assert later.returncode == 0, later.stderr[-2000:]
