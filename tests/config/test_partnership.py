"""``sim.partnership``: what the user states is fixed, the rest comes from a scenario and is listed; it runs and saves."""

from __future__ import annotations

import re

import numpy as np
import pytest

import sim
from sim.config.checks import ConfigError
from sim.config.distributions import is_dist
from sim.config.partnership import VENTURE_ONLY, Partnership, central
from sim.config.scenarios import load, with_policy
from sim.core.declare import spec_of
from sim.core.params import CouncilParams, PartnershipParams


def ours(governance: str = "joint_committee", **kwargs) -> Partnership:
    return sim.partnership(
        [sim.council("Our District", tier="district", it_maturity=0.8, pace=0.6), sim.council("Their County", tier="county", size=5.0)],
        governance=governance,
        promised_savings=1.5,
        **kwargs,
    )


def test_stated_values_are_fixed_and_the_rest_come_from_the_scenario() -> None:
    p = ours()
    base = load("baseline")
    assert p.councils[0].it_maturity == 0.8 and p.councils[0].pace == 0.6 and p.councils[1].size == 5.0
    assert p.partnership.governance == "joint_committee" and p.partnership.promised_savings == 1.5
    assert p.councils[1].it_maturity == base.councils[1].it_maturity
    assert p.partnership.business_case_clarity == base.partnership.business_case_clarity
    assert p.stated == (
        "councils[0].tier",
        "councils[0].it_maturity",
        "councils[0].pace",
        "councils[1].tier",
        "councils[1].size",
        "partnership.governance",
        "partnership.promised_savings",
    )


#: The settings only a commercial venture uses, as the description of :func:`ours` names them.
GUARANTEE = "business the council guarantees to buy from a commercial venture (the guarantee is the council's own) [share of its own volume]"
VENTURE_TITLES = {
    "councils[1].guarantee": f"Their County: {GUARANTEE}",
    "councils[1].guarantee_months": "Their County: how long the council's guarantee lasts [months after launch]",
    "partnership.market_volume": "outside business a commercial venture wins at launch [share of break-even revenue]",
}

#: The plain description's last line for a partnership that is not a commercial venture, before its governance.
NOT_LISTED = (
    "Not listed, as only a commercial venture uses them (the governance is {}): business the council guarantees to buy from a commercial venture"
    " (the guarantee is the council's own); how long the council's guarantee lasts; outside business a commercial venture wins at launch."
)


def _meaning(path: str) -> str:
    """The declared meaning of the attribute at ``path`` (``councils[1].pace``, ``partnership.delivery``), after its council's name."""
    head, _, name = path.rpartition(".")
    if head == "partnership":
        return spec_of(PartnershipParams, name).doc
    return f"{['Our District', 'Their County'][int(head[len('councils[') : -1])]}: {spec_of(CouncilParams, name).doc}"


def test_the_description_lists_what_is_fixed_and_every_value_still_drawn_with_its_distribution() -> None:
    p = ours()
    text = p.describe()
    assert "  Our District: maturity of the council's IT estate and practices [0 .. 1]: 0.8\n" in text
    drawn = p.drawn()
    assert "councils[1].it_maturity" in drawn and "councils[0].it_maturity" not in drawn
    for path in drawn:
        listed = re.search(rf"^  {re.escape(_meaning(path))}( \[[^\]]+\])?: varies between simulated partnerships: ", text, re.M) is not None
        assert listed is (path.rpartition(".")[2] not in VENTURE_ONLY)  # a joint committee
        assert (f"  {path} ~ " in p.describe(exact=True)) is (path.rpartition(".")[2] not in VENTURE_ONLY)


def test_the_description_gives_each_drawn_value_in_plain_words_and_the_exact_distribution_on_request() -> None:
    """It read "councils[1].it_maturity ~ beta(a=3, b=3), mean 0.5", which a committee member cannot read."""
    p = ours()
    text = p.describe()
    assert not re.search(r"beta\(|randint|uniform on|triangular|choice of|with probability| ~ |, mean \d", text), text
    it = "Their County: maturity of the council's IT estate and practices [0 .. 1]"
    assert f"  {it}: varies between simulated partnerships: usually 0.19 to 0.81 (the middle 90%), on average 0.50\n" in text
    review = "months between formal reviews of the agreement (each a decision point) [months]"
    assert f"  {review}: varies between simulated partnerships: a whole number from 36 to 60, each equally likely\n" in text
    assert "  legal form of the partnership: joint committee\n" in text
    assert str(p) == text and p._repr_markdown_() == f"```\n{text}\n```"
    exact = p.describe(exact=True)
    assert "  councils[1].it_maturity ~ beta(a=3, b=3), mean 0.5  [0 .. 1]" in exact
    assert "  partnership.review_months ~ randint from 36 to 60, both included  [months]" in exact
    assert "  partnership.governance = joint_committee" in exact


@pytest.mark.parametrize("fixed", [False, True])
def test_the_guarantees_and_outside_business_are_listed_only_where_the_partnership_can_be_a_commercial_venture(fixed) -> None:
    """A joint committee's description listed each council's guarantee to buy from a commercial venture, and the
    venture's outside business, which only a commercial venture uses."""
    committee = ours(fixed=fixed).describe()
    assert not any(title.split(": ", 1)[-1] in committee for title in VENTURE_TITLES.values())
    assert committee.endswith(NOT_LISTED.format("joint committee"))
    exact = ours(fixed=fixed).describe(exact=True)
    assert exact.endswith("Not listed: guarantee, guarantee_months, market_volume, which only a commercial venture uses (the governance is joint_committee).")
    venture = ours(fixed=fixed, governance="commercial_venture").describe()
    assert all(f"  {title}: " in venture for title in VENTURE_TITLES.values())
    assert "Not listed" not in venture
    drawn_governance = sim.partnership([sim.council("A"), sim.council("B")]).describe()  # the baseline's governance: a venture in 5%
    assert f"  A: {GUARANTEE}: varies" in drawn_governance and "Not listed" not in drawn_governance


def test_a_guarantee_stated_for_a_partnership_that_is_not_a_venture_is_still_listed_as_stated() -> None:
    text = sim.partnership([sim.council("A", guarantee=0.5), sim.council("B")], governance="mou").describe()
    assert f"  A: {GUARANTEE}: 0.5\n" in text
    assert NOT_LISTED.format("MOU") in text


def test_fixed_pins_every_unstated_value_at_the_scenarios_central_value() -> None:
    p = ours(fixed=True)
    assert p.drawn() == {}
    spec = spec_of(CouncilParams, "it_maturity")
    node = load("baseline").councils[1].it_maturity
    assert is_dist(node)
    assert p.councils[1].it_maturity == pytest.approx(central(node, spec))
    # "Nothing is drawn" read as if the run drew nothing, though by default each block of replications draws the model's assumptions
    assert "No attribute of the councils or the partnership is drawn: every replication is this one partnership" in p.describe()
    assert "with uncertainty prior or posterior, the default, so do the model's assumptions" in p.describe()


def test_central_values() -> None:
    spec = spec_of(CouncilParams, "it_maturity")
    assert central({"dist": "beta", "a": 3, "b": 3}, spec) == pytest.approx(0.5)
    assert central({"dist": "uniform", "low": 0.2, "high": 0.6}, spec) == pytest.approx(0.4)
    assert central({"dist": "choice", "values": ["all_out", "thirds"], "p": [0.3, 0.7]}, spec_of(CouncilParams, "election_cycle")) == "thirds"
    assert central(0.25, spec) == 0.25
    assert central({"dist": "beta", "a": 3, "b": 3}, spec) == 0.5, "as stated, not 0.5000000000000001"
    assert central({"dist": "beta", "a": 2, "b": 3}, spec) == 0.386, "three significant figures, not 0.385728"


def test_unknown_names_and_bad_values_are_all_reported() -> None:
    with pytest.raises(ConfigError) as raised:
        sim.partnership([sim.council("A"), sim.council("B")], governence="mou", promised_savings=-1)
    assert any("governence is not a partnership attribute" in p for p in raised.value.problems)
    with pytest.raises(ConfigError, match="council 'A': maturity is not a council attribute"):
        sim.partnership([sim.council("A", maturity=0.3), sim.council("B")])
    with pytest.raises(ConfigError, match=r"council 'A': it_maturity = 1.7 is outside \[0, 1\]"):
        sim.partnership([sim.council("A", it_maturity=1.7), sim.council("B")])


@pytest.mark.parametrize("councils", [3, "AB", None])
def test_councils_that_are_not_a_list_of_councils_get_one_line_naming_what_was_given(councils) -> None:
    """sim.partnership(councils=3) raised TypeError: 'int' object is not iterable."""
    with pytest.raises(ConfigError) as raised:
        sim.partnership(councils)
    assert raised.value.problems == [f"councils = {councils!r}: give a list of 2 to 8 councils, each made with sim.council(name, ...)"]
    with pytest.raises(ConfigError, match=r"^give a list of 2 to 8 councils, each made with sim.council"):
        sim.partnership([sim.council("A"), "B"])


def test_councils_without_a_name_or_with_anothers_and_a_fixed_that_is_not_true_or_false_are_each_one_line() -> None:
    """Two councils named alike were accepted ("a partnership of 2 councils (A, A)"; their trust by name lost one), an empty name
    read "(, B)", and fixed="no" fixed the unstated values (any text is true)."""
    with pytest.raises(ConfigError) as raised:
        sim.partnership([sim.council("A"), sim.council(" "), sim.council("A")], fixed="no")
    assert raised.value.problems == [
        "councils[1].name = ' ' is empty; give each council a name",
        "councils[2].name = 'A' is also the name of councils[0]; give each council its own name",
        "fixed = 'no' must be True or False",
    ]


def test_an_attribute_given_as_none_is_not_stated_but_drawn_from_the_scenario() -> None:
    """it_maturity=None was listed under "Fixed because you stated them" as the scenario's distribution, which is still drawn."""
    given = sim.partnership([sim.council("A", it_maturity=None), sim.council("B")], promised_savings=None)
    left_out = sim.partnership([sim.council("A"), sim.council("B")])
    assert given.stated == left_out.stated == ()
    assert given.to_dict() == left_out.to_dict()
    assert "councils[0].it_maturity ~ beta" in given.describe(exact=True)


def test_every_problem_of_the_councils_and_the_partnership_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        sim.partnership(
            [sim.council("A", it_maturity=1.7, pace=-1, maturty=0.3), sim.council("B", sovereignty_concern=30)],
            promised_saving=1.5,
        )
    problems = raised.value.problems
    assert problems[0].startswith("promised_saving is not a partnership attribute (did you mean promised_savings?) (known: ")
    assert problems[1].startswith("council 'A': maturty is not a council attribute (did you mean it_maturity?) (known: ")
    assert "council 'A': it_maturity = 1.7 is outside [0, 1]" in problems
    assert any(p.startswith("council 'A': pace = -1") for p in problems)
    assert any(p.startswith("council 'B': sovereignty_concern = 30") for p in problems)
    assert len(problems) == 5


def test_a_value_out_of_range_is_named_as_it_was_given_not_by_its_path() -> None:
    """Notebook 02 changed as a policy officer would (h125): a third council's IT maturity typed 1.5, a tier misspelt and a
    negative promise read "councils[2].it_maturity = 1.5 is outside [0, 1]", "councils[1].tier = 'distrct' ...",
    "partnership.promised_savings = -1 ...": a path counted from 0 that the officer never typed, where the description of
    the same partnership names each council and an unknown attribute reads "council 'A': ...". Each now names the council
    and the keyword given."""
    with pytest.raises(ConfigError) as raised:
        sim.partnership(
            [sim.council("Our District"), sim.council("Neighbour District", tier="distrct"), sim.council("The County", it_maturity=1.5)],
            promised_savings=-1,
        )
    assert sorted(raised.value.problems) == [
        "council 'Neighbour District': tier = 'distrct' is not one of district, county, unitary, metropolitan, london_borough, other_public_body",
        "council 'The County': it_maturity = 1.5 is outside [0, 1]",
        "promised_savings = -1 is outside [0, 100]",
    ], raised.value.problems


def test_it_runs_like_any_configuration_and_saves_as_a_scenario_a_colleague_can_run(tmp_path) -> None:
    p = ours()
    table = sim.run_ensemble(p, replications=200, seed=4)
    saved = p.save(tmp_path / "scenario" / "ours.yaml")
    again = sim.run_ensemble(sim.load("ours", config_dir=tmp_path), replications=200, seed=4)
    assert saved.read_text().startswith("# @package _global_")
    np.testing.assert_array_equal(table["outcome"].to_numpy(), again["outcome"].to_numpy())
    np.testing.assert_array_equal(table["net_savings"].to_numpy(), again["net_savings"].to_numpy())
    assert not list(tmp_path.rglob("*.tmp"))


def test_the_mesa_model_runs_it() -> None:
    p = ours(fixed=True)
    model = sim.PartnershipModel(config=p, seed=2, replication=5)
    while model.running:
        model.step()
    row = sim.run_ensemble(p, replications=6, seed=2).iloc[5]
    assert model.outcome == row["outcome"]


def test_a_policy_applied_to_a_partnership_changes_what_its_file_changes_and_nothing_else() -> None:
    p = ours()
    under = with_policy(p, "continuity_plan")
    assert under.levers["continuity_plan"].enabled and not p.levers["continuity_plan"].enabled
    assert under.councils == p.councils and under.partnership == p.partnership
    assert with_policy(load("case02_decision_slippage"), "all_levers").levers == load("case02_decision_slippage", "all_levers").levers


def test_policies_compare_on_a_partnership() -> None:
    frame = sim.compare(ours(), ["none", "continuity_plan"], replications=300, seed=2)
    assert list(frame["policy"]) == ["none", "continuity_plan"]
    with pytest.raises(ConfigError) as refused:
        sim.compare(ours(), ["none", "continuity_plan"], replications=300, overrides=["seed=1", "councils.0.it_maturity=0.9"])
    assert refused.value.problems == [
        "overrides: 'seed=1' is not a model parameter (model parameters start with partnership, dynamics, decisions, exogenous, mechanisms,"
        " levers; seed and the rest are arguments of sim.compare)",
        "overrides: 'councils.0.it_maturity=0.9' sets a council of a configuration made in Python: state it with sim.council(name, ...)",
    ]


def test_a_lever_what_if_is_set_by_an_override_on_a_partnership_too(monkeypatch) -> None:
    """sim.compare(ours, [...], overrides=["levers.continuity_plan.strength=0.5"]) was refused ("set values on a configuration made in
    Python directly"), with no way given to try a lever at half strength on one's own partnership."""
    import sim.api

    seen = {}

    def capture(configs, *args, **kwargs):
        seen.update(configs)
        raise RuntimeError("captured")

    monkeypatch.setattr(sim.api, "run_comparison", capture)
    with pytest.raises(RuntimeError, match="captured"):
        sim.compare(
            ours(), ["none", "continuity_plan"], replications=300, overrides=["levers.continuity_plan.strength=0.5", "levers.continuity_plan.start_month=12"]
        )
    lever = seen["continuity_plan"].levers["continuity_plan"]
    assert lever.enabled and lever.strength == 0.5 and lever.start_month == 12
    assert not seen["none"].levers["continuity_plan"].enabled and seen["none"].levers["continuity_plan"].strength == 0.5
    assert seen["continuity_plan"].councils == ours().councils and seen["continuity_plan"].partnership == ours().partnership
    with pytest.raises(ConfigError, match=r"levers.continuity_plan.strenght is not a parameter \(did you mean strength\?\)"):
        sim.compare(ours(), ["none", "continuity_plan"], replications=300, overrides=["levers.continuity_plan.strenght=0.5"])


def test_help_on_council_gives_each_attributes_allowed_values():
    import sim

    lines = {line.strip().partition(":")[0]: line for line in (sim.council.__doc__ or "").splitlines() if line.startswith("    ") and ":" in line}
    assert "(district, county, unitary" in lines["tier"] and "(chief_executive, political_leader, specialist)" in lines["champion"]
    assert lines["it_maturity"].endswith("([0, 1])") and "(all_out, thirds)" in lines["election_cycle"]


def test_a_misspelt_or_misplaced_attribute_says_which_was_meant_or_where_it_goes() -> None:
    """it_maturiy=0.5 got only the list of twenty attributes; it_maturity given to the partnership (or governance to a council) did not
    say it belongs to the other."""
    with pytest.raises(ConfigError) as raised:
        sim.partnership([sim.council("A", it_maturiy=0.5, governance="mou"), sim.council("B")], promised_saving=1.5, it_maturity=0.3)
    problems = raised.value.problems
    assert problems[0].startswith("promised_saving is not a partnership attribute (did you mean promised_savings?) (known: ")
    council = "it is a council attribute: give it to each council, sim.council(name, ...)"
    assert problems[1].startswith(f"it_maturity is not a partnership attribute ({council}) (known: ")
    assert problems[2].startswith("council 'A': it_maturiy is not a council attribute (did you mean it_maturity?) (known: ")
    assert problems[3].startswith("council 'A': governance is not a council attribute (it is a partnership attribute: give it to sim.partnership(...))")
    assert len(problems) == 4


def test_describe_gives_each_numbers_unit() -> None:
    """The line "partnership.promised_savings = 1.5" left a reader to guess GBP m a year or in all, "councils[0].size = 1.2" what 1 is."""
    text = sim.partnership([sim.council("A", tier="district", size=1.2), sim.council("B")], promised_savings=1.5).describe()
    lines = text.splitlines()
    assert "  annual savings the business case promises at full scope [GBP m per year]: 1.5" in lines
    size = "share of the partnership's volume and costs [relative size (1 = a typical district)]"
    assert f"  A: {size}: 1.2" in lines
    assert "  A: tier of local government: district" in lines
    assert f"  B: {size}: varies between simulated partnerships: anywhere from 0.6 to 1.4, all equally likely (on average 1.0)" in lines


@pytest.mark.parametrize(
    ("name", "right"), [("ours.yml", "scenario/ours.yaml"), ("ours.yaml", "scenario/ours.yaml"), ("scenario/ours.yml", "scenario/ours.yaml")]
)
def test_save_refuses_a_path_no_command_would_find_and_says_the_right_one(tmp_path, name, right) -> None:
    """ours.save("ours.yml") wrote a file that sim-run --config-dir never finds (Hydra reads DIR/scenario/NAME.yaml only)."""
    with pytest.raises(ConfigError) as refused:
        ours().save(tmp_path / name)
    assert refused.value.problems == [
        f"path = {str(tmp_path / name)!r} must be DIR/scenario/NAME.yaml, e.g. {str(tmp_path / right)!r}, for sim-run --config-dir DIR scenario=NAME to find it"
    ]
    assert not list(tmp_path.rglob("*.y*ml"))


def test_a_council_name_with_a_dollar_and_braces_saves_and_loads_as_itself(tmp_path) -> None:
    """A council called "Mid ${x} DC" was saved as written, and OmegaConf read ``${x}`` as a reference to a setting x: loading the
    saved partnership failed (InterpolationKeyError). The file now escapes it, so every name comes back as it was typed."""
    names = ["Mid ${x} DC", "${oops}", "${oc.env:HOME}", "back\\${slash}", "open ${"]
    councils = [sim.council(name, tier="district", it_maturity=0.5 + k / 10) for k, name in enumerate(names)]
    p = sim.partnership(councils, governance="joint_committee", fixed=True)
    p.save(tmp_path / "scenario" / "ours.yaml")
    again = sim.load("ours", config_dir=tmp_path)
    assert [c.name for c in again.councils] == names
    assert again.councils == p.councils and again.partnership == p.partnership


def test_a_councils_and_a_partnerships_numpy_numbers_are_the_numbers_they_hold() -> None:
    """sim.partnership([sim.council("A", size=np.int64(2)), ...]) (a size read from a DataFrame) said
    "council 'A': size = np.int64(2) is not a number (allowed: [0.1, 20])"; a NumPy truth value is still not a number."""
    given = sim.partnership([sim.council("A", size=np.int64(2), it_maturity=np.float32(0.25)), sim.council("B")], promised_savings=np.float64(0.5))
    plain = sim.partnership([sim.council("A", size=2, it_maturity=0.25), sim.council("B")], promised_savings=0.5)
    assert given == plain and type(given.councils[0].size) is type(plain.councils[0].size)
    with pytest.raises(ConfigError) as refused:
        sim.partnership([sim.council("A", size=np.True_), sim.council("B")])
    assert refused.value.problems == ["council 'A': size = np.True_ is not a number (allowed: [0.1, 20])"]


@pytest.mark.parametrize("exact", ["no", 1, None])
def test_describe_takes_only_true_or_false_for_exact(exact) -> None:
    """ours.describe(exact="no") gave the exact form ("no" is true): it is refused, naming the value."""
    ours = sim.partnership([sim.council("A"), sim.council("B")])
    with pytest.raises(ConfigError) as refused:
        ours.describe(exact=exact)
    assert refused.value.problems == [f"exact = {exact!r} must be True or False"]
    assert ours.describe(exact=True) != ours.describe(exact=False)
