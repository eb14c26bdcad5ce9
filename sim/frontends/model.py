"""The Mesa front-end: one partnership, month by month, over the same kernel as the ensemble.

:class:`PartnershipModel` builds the parameter arrays of one replication with
:func:`sim.population.build` and advances them with :func:`sim.core.kernel.step`, the very
function the ensemble runs on many replications at once; every mechanism exists once.
So ``PartnershipModel(seed=s, replication=r)`` tells exactly the story of row ``r`` of
``run_ensemble(config, ..., seed=s)``: same outcome, month, cause and savings, bit for
bit, and the same state every month.

>>> model = PartnershipModel(scenario_name="baseline", seed=7, replication=3)  # doctest: +SKIP
>>> model.run_model()                                                          # doctest: +SKIP
>>> print(model.handout())                                                     # doctest: +SKIP
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

from sim import population
from sim.config import scenarios
from sim.config.checks import ConfigError, arguments_checked, check_number, shown
from sim.config.model import ModelConfig
from sim.config.overrides import split_override
from sim.config.settings import DEFAULT_REPLICATIONS_PER_DRAW, MAX_SEED, NO_POLICY, SharedSettings
from sim.config.uncertainty import Uncertainty
from sim.config.uncertainty import uncertainty as make_uncertainty
from sim.core import kernel, triggers
from sim.core.declare import spec_of
from sim.core.layout import layout
from sim.core.state import EXPANSION, INTEGRATION, OPERATING, OUTCOMES, PHASES, PROPOSAL
from sim.frontends.agents import Council
from sim.frontends.compiling import ensure_compiled
from sim.frontends.narrative import ENDINGS, EventLog, explain
from sim.frontends.table import Table, replication_table

#: What a seed and a replication index admit (sim-run's seed): a whole number in [0, 2**63 - 1].
WHOLE = spec_of(SharedSettings, "seed")
#: Model-level series the DataCollector records each month (attribute names of the model); ``seed`` is the seed run,
#: so that ``mesa.batch_run``'s rows name it when it drew a fresh one (``rng`` not given: its ``seed`` column reads None).
MODEL_SERIES = (
    "month",
    "phase",
    "partners",
    "mean_value_seen",
    "min_value_seen",
    "notices",
    "mean_trust",
    "savings_month",
    "planned_month",
    "realised_savings",
    "business_case",
    "cost",
    "outcome",
    "cause",
    "seed",
)


@functools.lru_cache(maxsize=64)
def _composed(scenario_name: str, policy_name: str, overrides: tuple[str, ...], config_dir: str | None) -> ModelConfig:
    return scenarios.load(scenario_name, policy_name, overrides, config_dir)


def _whole_problems(name: str, value: object) -> list[str]:
    """Problems with ``value`` for a seed or a replication index: a whole number in ``[0, 2**63 - 1]`` (empty if fine)."""
    plain = value.item() if isinstance(value, np.integer) else value
    return check_number(name, plain, WHOLE)


def _seed_problems(seed: object, rng: object) -> list[str]:
    """Problems with ``seed`` and Mesa's ``rng`` (each None or a whole number in ``[0, 2**63 - 1]``, equal if both are given)."""
    problems = [line for name, value in (("seed", seed), ("rng", rng)) if value is not None for line in _whole_problems(name, value)]
    if not problems and seed is not None and rng is not None and seed != rng:
        problems.append(f"seed = {seed!r} and rng = {rng!r} disagree: give one of them")
    return problems


def resolve_seed(seed: int | None, rng: int | None) -> int:
    """The kernel's seed from ``seed`` or Mesa's ``rng`` (they must agree); a fresh one from the OS when both are None.

    Raises
    ------
    ConfigError
        One line per problem: a seed that is not a whole number in ``[0, 2**63 - 1]``, or ``seed`` and ``rng`` that disagree.
    """
    problems = _seed_problems(seed, rng)
    if problems:
        raise ConfigError(problems)
    value = seed if seed is not None else rng
    if value is None:
        return int(np.random.SeedSequence().entropy % (MAX_SEED + 1))
    return int(value)


class PartnershipModel(mesa.Model):
    """One partnership between councils, one step a month, until it ends.

    Parameters
    ----------
    scenario_name, policy_name
        Named scenario and policy (``configs/scenario/*.yaml``, ``configs/policy/*.yaml``).
        Not called ``scenario``: Mesa 3.5 keeps its own ``Model.scenario``.
    overrides
        Hydra-style overrides, e.g. ``("councils.0.it_maturity=0.3",)``.
    seed
        Seed of the counter-based random numbers (also seeds Mesa's ``rng``). ``None``
        draws a fresh one, kept in ``model.seed``. ``mesa.batch_run(..., rng=[...])``
        passes its seeds here (and overwrites a ``seed`` given in its ``parameters``); without
        ``rng`` it passes None, and its rows' ``seed`` column is the fresh seed each run drew.
    replication
        Replication index ``r``: the run equals row ``r`` of the ensemble for ``seed``.
    rng
        Mesa's name for the seed; an integer equal to ``seed`` if both are given.
    config
        A checked configuration to use instead of composing scenario and overrides (which then
        only label the run; the parameters the overrides name are still never drawn). A
        ``policy_name`` other than ``none`` is applied to it (:func:`sim.config.scenarios.with_policy`;
        a configuration that has the policy already is unchanged by it).
    config_dir
        A folder of the user's own scenarios and policies (see :func:`sim.config.scenarios.load`).
    uncertainty
        ``none``, ``prior`` or ``posterior`` (or an :class:`~sim.config.uncertainty.Uncertainty`):
        with ``prior`` or ``posterior`` the model runs the parameter draw ``replication // M``
        of its configuration, as row ``replication`` of an ensemble run in that mode does;
        the parameters named in ``overrides`` are never drawn. Default:
        :data:`sim.config.settings.DEFAULT_UNCERTAINTY`.
    replications_per_draw
        M, replications per parameter draw.

    Raises
    ------
    ConfigError
        One line per bad argument, naming it, its value and what is allowed (a name that is not
        text, a ``config`` that is not a :class:`~sim.config.model.ModelConfig`, a seed or
        replication that is not a whole number in ``[0, 2**63 - 1]``), and every line
        :func:`sim.config.scenarios.load` gives for the scenario, policy and overrides.

    Attributes
    ----------
    config, P, state
        The configuration run (with ``uncertainty``: its parameter draw), its parameter
        arrays for the one replication ``[replication]`` and the kernel state (arrays with one row).
    base_config
        The configuration before any parameter draw.
    councils
        Every council in index order, including those that left (``agents`` holds the
        current partners only).
    events
        The :class:`~sim.frontends.narrative.EventLog` of the run.
    datacollector
        Model series :data:`MODEL_SERIES`; agent series ``index`` (the council's ``j``; Mesa's
        ``AgentID`` is its ``unique_id``, ``j + 1``), ``name``, ``value_seen``, ``notice``,
        ``it_maturity``, ``key_person_present``, ``trust_c{j}`` (trust in council j), and
        ``exit_month``, ``exit_cause``, ``exit_trigger`` (a council's last row is its month of exit).
    """

    @arguments_checked("sim.PartnershipModel")
    def __init__(
        self,
        scenario_name: str = "baseline",
        policy_name: str = NO_POLICY,
        overrides: Sequence[str] = (),
        seed: int | None = None,
        replication: int = 0,
        rng: int | None = None,
        config: ModelConfig | None = None,
        config_dir: str | Path | None = None,
        uncertainty: str | Uncertainty | None = None,
        replications_per_draw: int = DEFAULT_REPLICATIONS_PER_DRAW,
    ) -> None:
        problems = [
            f"{name} = {shown(value)} is not a name (e.g. {example!r}): give a loaded configuration as config=..."
            for name, value, example in (("scenario_name", scenario_name, "baseline"), ("policy_name", policy_name, NO_POLICY))
            if not isinstance(value, str)
        ]
        if config is not None and not isinstance(config, ModelConfig):
            problems.append(f"config = {shown(config)} is not a loaded configuration (sim.load(...)): give a scenario's name as scenario_name=...")
        problems += _seed_problems(seed, rng) + _whole_problems("replication", replication)
        try:
            lines = scenarios.override_lines(overrides)
        except ConfigError as err:
            problems += err.problems
        if problems:
            raise ConfigError(problems)
        self.seed = resolve_seed(seed, rng)
        super().__init__(rng=self.seed)
        self.scenario_name, self.policy_name = scenario_name, policy_name
        self.overrides = lines
        self.replication = int(replication)
        if config is None:
            config = copy.deepcopy(_composed(scenario_name, policy_name, self.overrides, None if config_dir is None else str(config_dir)))
        elif policy_name != NO_POLICY:
            config = scenarios.with_policy(config, policy_name, config_dir)
        if not isinstance(uncertainty, Uncertainty):
            uncertainty = make_uncertainty(uncertainty, replications_per_draw, fixed=[split_override(o)[0] for o in self.overrides])
        self.uncertainty = uncertainty
        self.base_config = config
        if uncertainty is not None:
            config = uncertainty.point(config, self.seed, self.replication)
        self.config = config
        reps = np.array([self.replication], np.int64)
        self.plan = layout()
        ensure_compiled(self.plan)
        self.P = population.build(config, self.seed, reps, plan=self.plan)
        self.names = [c.name for c in config.councils]
        self.state = kernel.init_state(self.P, reps, self.plan)
        self.events = EventLog(councils=self.names)
        self.councils = [Council(self, k) for k in range(config.n_councils)]
        agent_series: dict[str, object] = {name: name for name in ("index", "name", "value_seen", "notice", "it_maturity", "key_person_present")}
        agent_series |= {f"trust_c{j}": functools.partial(Council.trust_in, other=j) for j in range(config.n_councils)}
        agent_series |= {"exit_month": "exit_month", "exit_cause": "exit_cause", "exit_trigger": "exit_trigger"}
        self.datacollector = mesa.DataCollector(model_reporters={name: name for name in MODEL_SERIES}, agent_reporters=agent_series)
        self.datacollector.collect(self)

    def step(self) -> None:
        """Advance one month: the kernel's month, then its story, its data and the councils that left.

        The month itself is :func:`sim.core.kernel.step`, the one the ensemble runs: levers, change
        from outside, every mechanism, savings, trust, each council's view of the value, its
        decisions, notices and exits, in that order (:mod:`sim.core.kernel`), for every council
        at once; councils take no step of their own. Then the month's events go to
        :attr:`events`, :attr:`datacollector` collects (a council that left this month has its
        last row), the councils that left are removed from ``agents``, and ``running`` turns
        false when the partnership has ended. A step after the end does nothing.
        """
        if not self.running:
            return
        s = self.state
        phase = int(s.partnership["phase"][0])
        log: list[kernel.Event] = []
        kernel.step(s, self.P, self.seed, log, self.plan)
        for e in log:
            self.events.add(e.month, self.names[e.council], e.what, e.cause, e.size, self.names[e.partner] if e.partner >= 0 else "", e.trigger)
        self._log_milestones(phase)
        self._log_end()
        self.running = bool(s.running[0])
        self.datacollector.collect(self)
        for k in np.flatnonzero(s.council["exit_month"][0] == s.month):
            self.councils[k].remove()

    def _log_milestones(self, phase: int) -> None:
        """Log the launch and full operation, after the month's events (the launch follows the approvals that made it).
        Deeper sharing is case 06's own event, logged for every council by the kernel: a milestone of it said the month's
        line twice."""
        p, month = self.state.partnership[0], self.state.month
        now = int(p["phase"])
        if phase == PROPOSAL and p["launch_month"] == month:
            self.events.add(month, "", "the business case was approved; setting up the shared IT begins")
        if phase == INTEGRATION and now in (OPERATING, EXPANSION):
            self.events.add(month, "", "the shared IT is set up; the shared service now runs in full")

    def _log_end(self) -> None:
        """Log the end of the partnership, with its cause and trigger (councils' exits come from the kernel's log)."""
        s, month = self.state, self.state.month
        if not s.running[0]:
            self.events.add(
                month, "", ENDINGS[self.outcome], "" if self.cause == "none" else self.cause, trigger="" if self.trigger == "none" else self.trigger
            )

    @property
    def month(self) -> int:
        """Months simulated so far."""
        return self.state.month

    @property
    def phase(self) -> str:
        """``proposal``, ``integration``, ``operating``, ``expansion`` or ``ended``."""
        return PHASES[int(self.state.partnership["phase"][0])]

    @property
    def outcome(self) -> str:
        """``running``, or how it ended: ``shelved``, ``collapsed``, ``underperforming``, ``sustained``."""
        return OUTCOMES[int(self.state.partnership["outcome"][0])]

    @property
    def cause(self) -> str:
        """Cause label of the outcome (``"none"`` while running or when sustained)."""
        return self.plan.label(int(self.state.partnership["end_cause"][0]))

    @property
    def partners(self) -> int:
        """Councils still in the partnership."""
        return sum(self.state.active[0].tolist())

    def _of_partners(self) -> list[float]:
        """The value each current partner sees."""
        return [c.value_seen for c in self.councils if c.active]

    @property
    def mean_value_seen(self) -> float:
        """Mean value the current partners see, relative to the promise (NaN when none is left)."""
        values = self._of_partners()
        return sum(values) / len(values) if values else float("nan")

    @property
    def min_value_seen(self) -> float:
        """Lowest value a current partner sees (NaN when none is left)."""
        return min(self._of_partners(), default=float("nan"))

    @property
    def notices(self) -> int:
        """Councils that have given notice and not yet left."""
        return int((self.state.council["notice"][0] > 0).sum())

    @property
    def trigger(self) -> str:
        """Trigger label of the outcome (``"none"`` while running, when sustained or underperforming)."""
        return triggers.label(int(self.state.partnership["end_trigger"][0]))

    @property
    def mean_trust(self) -> float:
        """Mean trust over ordered pairs of current partners (NaN with fewer than two)."""
        s = self.state
        values = [t for t, pair in zip(s.trust[0].ravel().tolist(), s.pairs[0].ravel().tolist(), strict=True) if pair]
        return sum(values) / len(values) if values else float("nan")

    @property
    def savings_month(self) -> float:
        """Savings realised this month (GBP m)."""
        return float(self.state.partnership["savings_month"][0])

    @property
    def planned_month(self) -> float:
        """Savings the business case promised for this month (GBP m)."""
        return float(self.state.partnership["planned_month"][0])

    @property
    def realised_savings(self) -> float:
        """Savings realised so far (GBP m)."""
        return float(self.state.partnership["realised_savings"][0])

    @property
    def business_case(self) -> float:
        """Savings the business case promised so far (GBP m)."""
        return float(self.state.partnership["business_case"][0])

    @property
    def cost(self) -> float:
        """Investment, lever and other costs so far (GBP m)."""
        p = self.state.partnership[0]
        return float(p["investment_cost"] + p["lever_cost"] + p["other_cost"])

    def replication_table(self) -> pd.DataFrame:
        """The run's one-row outcome table, as :func:`sim.frontends.ensemble.run_ensemble` gives for the ensemble."""
        return self.table().to_pandas()

    def table(self) -> Table:
        """The run's one-row outcome table as numpy columns (:func:`sim.frontends.table.replication_table`).

        With parameter uncertainty the row carries its ``draw`` after ``rep``, as the ensemble's rows do.
        """
        table = replication_table(self.state, self.P, self.plan)
        if self.uncertainty is not None:
            rest = {k: v for k, v in table.columns.items() if k != "rep"}
            table.columns = {"rep": table.columns["rep"], "draw": self.uncertainty.draw_of(table.columns["rep"]), **rest}
        return table

    def handout(self) -> str:
        """The run as a Markdown handout for trainers: its outcome, its councils (:meth:`handout_summary`) and its timeline."""
        title = f"Scenario {self.scenario_name}, policy {self.policy_name} (seed {self.seed}, replication {self.replication})"
        return self.events.to_markdown(title, self.handout_summary())

    def handout_summary(self) -> list[str]:
        """The handout's lines above its timeline: the outcome and main cause, the savings, and a table of the councils."""
        ending = f"**Outcome:** {self.outcome} after {self.month} months"
        summary = [
            ending + (f"; main cause: {explain(self.cause)}" if explain(self.cause) else ""),
            f"**Savings:** GBP {self.realised_savings:.2f}m realised by month {self.month}, against GBP {self.business_case:.2f}m planned by then;"
            f" costs GBP {self.cost:.2f}m",
            "",
            "| council | tier | size | IT maturity | pace | left in month | why |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        summary += [
            f"| {c.name} | {c.tier} | {c.size:.2f} | {c.it_maturity:.2f} | {c.pace:.2f} | {max(c.exit_month, 0) or ''} | {explain(c.exit_cause)} |"
            for c in self.councils
        ]
        return summary
