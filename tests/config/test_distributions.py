"""Distribution nodes: draws by inverse CDF match the families' known moments; strings as nodes."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import stats

from sim.config.distributions import as_node, check_dist, describe, is_dist, plain_words, sample
from sim.core import rng
from sim.core.declare import DISTRIBUTIONS, Spec, spec_of
from sim.core.params import CouncilParams, PartnershipParams

N = 200_000
U = rng.uniform(11, np.arange(N), rng.SETUP_MONTH, 1, "test.distributions")[:, 0]
UNIT = Spec("", 0, 1, "", "")
WIDE = Spec("", -10, 10, "", "")


@pytest.mark.parametrize(
    ("node", "spec", "mean", "var"),
    [
        ({"dist": "beta", "a": 2, "b": 5}, UNIT, 2 / 7, 2 * 5 / (7**2 * 8)),
        ({"dist": "uniform", "low": 0.2, "high": 0.6}, UNIT, 0.4, 0.4**2 / 12),
        ({"dist": "triangular", "low": 0.6, "mode": 1.0, "high": 6.0}, Spec("", 0.1, 20, "", ""), 7.6 / 3, (0.36 + 1 + 36 - 0.6 - 3.6 - 6) / 18),
        ({"dist": "normal", "mean": 1.0, "sd": 2.0}, WIDE, 1.0, 4.0),
        ({"dist": "randint", "low": 0, "high": 36}, Spec("", 0, 600, "", "", integer=True), 18.0, (37**2 - 1) / 12),
    ],
)
def test_sample_means_and_variances_match_the_family(node, spec, mean, var):
    assert check_dist("x", node, spec) == []
    x = sample(node, U, spec)
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / N)
    assert abs(x.var() / var - 1) < 0.03


def test_randint_includes_both_ends_and_gives_whole_numbers():
    x = sample({"dist": "randint", "low": 2, "high": 4}, U, Spec("", 0, 10, "", "", integer=True))
    assert set(np.unique(x)) == {2.0, 3.0, 4.0}
    assert np.all(np.bincount(x.astype(int))[2:] / N > 0.32)


def test_normal_is_clipped_to_the_range():
    x = sample({"dist": "normal", "mean": 0.9, "sd": 0.3}, U, UNIT)
    assert x.min() >= 0 and x.max() == 1.0


def test_degenerate_nodes_give_their_one_value():
    assert np.all(sample({"dist": "normal", "mean": 0.3, "sd": 0}, U[:10], UNIT) == 0.3)
    assert np.all(sample({"dist": "triangular", "low": 0.5, "mode": 0.5, "high": 0.5}, U[:10], UNIT) == 0.5)
    assert np.all(sample({"dist": "uniform", "low": 0.5, "high": 0.5}, U[:10], UNIT) == 0.5)


def test_choice_frequencies_match_p_and_categories_become_codes():
    spec = spec_of(CouncilParams, "tier")
    x = sample({"dist": "choice", "values": ["county", "district"], "p": [0.3, 0.7]}, U, spec)
    codes = [spec.choices.index("county"), spec.choices.index("district")]
    assert set(np.unique(x)) == set(codes)
    assert abs((x == codes[0]).mean() - 0.3) < 5 * np.sqrt(0.21 / N)


def test_choice_without_p_is_uniform_over_numbers():
    x = sample({"dist": "choice", "values": [-1, 36, 60]}, U, Spec("", -1, 600, "", "", integer=True))
    for v in (-1, 36, 60):
        assert abs((x == v).mean() - 1 / 3) < 5 * np.sqrt(2 / 9 / N)


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("beta(2, 5)", {"dist": "beta", "a": 2, "b": 5}),
        ("uniform(0.2, 0.6)", {"dist": "uniform", "low": 0.2, "high": 0.6}),
        ("randint(0, 36)", {"dist": "randint", "low": 0, "high": 36}),
        ("choice(district, county)", {"dist": "choice", "values": ["district", "county"]}),
        ("district", "district"),
        ("gamma(2, 5)", "gamma(2, 5)"),
    ],
)
def test_a_distribution_may_be_written_as_a_string(text, node):
    assert as_node(text) == node


def test_is_dist():
    assert is_dist({"dist": "beta", "a": 1, "b": 1})
    assert not is_dist(0.3) and not is_dist({"a": 1}) and not is_dist("beta(1, 1)")


@pytest.mark.parametrize("text", ["gamma(1, 2)", "sometimes(0.5)"])
def test_a_distribution_we_do_not_have_is_named_with_those_we_do(text):
    from sim.config.model import check_value

    (line,) = check_value("councils[0].it_maturity", text, spec_of(CouncilParams, "it_maturity"))
    family = text.partition("(")[0]
    allowed = "beta, uniform, loguniform, triangular, normal, randint, choice"
    assert line == f"councils[0].it_maturity = {text!r}: {family} is not a distribution (allowed: {allowed})"
    assert check_value("councils[0].it_maturity", "beta(2, 5)", spec_of(CouncilParams, "it_maturity")) == []


#: The words of a distribution's exact form (:func:`describe`) that a policy reader does not know.
JARGON = re.compile(r"beta\(|randint|log-uniform|uniform on|triangular|normal\(|choice of|with probability|\bsd\b|\(p \d|mean \d|clipped")
MIDDLE = re.compile(r"^varies between simulated partnerships: usually (\S+) to (\S+) \(the middle 90%\), on average (\S+)$")


def said(text: str, value: float) -> None:
    """``text`` is ``value`` as a reader would say it: to the unit from 10 up, else to two significant figures."""
    step = 1.0 if abs(value) >= 10 else 10.0 ** (math.floor(math.log10(abs(value))) - 1)
    assert abs(float(text.replace(",", "")) - value) <= step / 2 + 1e-12, (text, value)
    assert abs(value) >= 10 or len(text.lstrip("0.").replace(".", "")) == 2, f"{text} is not two significant figures"


@pytest.mark.parametrize(
    ("node", "spec", "frozen"),
    [
        ({"dist": "beta", "a": 4, "b": 2}, UNIT, stats.beta(4, 2)),
        ({"dist": "beta", "a": 0.3, "b": 0.5}, UNIT, stats.beta(0.3, 0.5)),
        ({"dist": "loguniform", "low": 0.01, "high": 1.0}, UNIT, stats.loguniform(0.01, 1.0)),
        ({"dist": "triangular", "low": 0.6, "mode": 1.0, "high": 6.0}, Spec("", 0.1, 20, "", ""), stats.triang(0.4 / 5.4, loc=0.6, scale=5.4)),
        ({"dist": "triangular", "low": 12, "mode": 30, "high": 96}, Spec("", 0, 600, "", ""), stats.triang(18 / 84, loc=12, scale=84)),
        ({"dist": "normal", "mean": 0.5, "sd": 0.1}, UNIT, stats.norm(0.5, 0.1)),
    ],
)
def test_a_continuous_distribution_in_plain_words_gives_its_middle_90_percent_and_mean_as_scipy_computes_them(node, spec, frozen):
    """describe gave "beta(a=4, b=2), mean 0.67", which a committee member cannot read."""
    words = plain_words(node, spec)
    assert not JARGON.search(words), words
    low, high, mean = MIDDLE.match(words).groups()
    said(low, frozen.ppf(0.05))
    said(high, frozen.ppf(0.95))
    said(mean, frozen.mean())


def test_a_normal_clipped_to_the_range_gives_the_quantiles_and_mean_of_the_clipped_draws():
    words = plain_words({"dist": "normal", "mean": 0.9, "sd": 0.3}, UNIT)
    low, high, mean = MIDDLE.match(words).groups()
    normal = stats.norm(0.9, 0.3)
    said(low, normal.ppf(0.05))
    said(high, min(normal.ppf(0.95), 1.0))
    said(mean, normal.expect(lambda x: np.clip(x, 0, 1)))
    assert abs(float(mean) - 0.9) > 0.05, "the clipped mean, not the normal's"


def test_uniform_and_randint_in_plain_words_give_their_ends_and_mean():
    words = plain_words({"dist": "uniform", "low": 0.6, "high": 1.4}, Spec("", 0.1, 20, "", ""))
    assert words == "varies between simulated partnerships: anywhere from 0.6 to 1.4, all equally likely (on average 1.0)"
    said("1.0", stats.uniform(0.6, 0.8).mean())
    assert stats.uniform(0.6, 0.8).support() == (0.6, 1.4)
    spec = Spec("", 0, 600, "", "", integer=True)
    assert (
        plain_words({"dist": "randint", "low": 6, "high": 12}, spec)
        == "varies between simulated partnerships: a whole number from 6 to 12, each equally likely"
    )
    drawn = np.unique(sample({"dist": "randint", "low": 6, "high": 12}, U, spec), return_counts=True)
    assert list(drawn[0]) == list(range(6, 13)) and np.all(np.abs(drawn[1] / N - 1 / 7) < 0.01), "each equally likely, both ends included"


def test_choice_and_sometimes_in_plain_words_give_each_values_share():
    tier = spec_of(CouncilParams, "tier")
    assert plain_words({"dist": "choice", "values": ["district", "county", "unitary"], "p": [0.5, 0.3, 0.2]}, tier) == (
        "varies between simulated partnerships: district in 50%, county in 30%, unitary in 20%"
    )
    assert (
        plain_words({"dist": "choice", "values": ["district", "county"]}, tier) == "varies between simulated partnerships: district or county, equally likely"
    )
    node = {"dist": "sometimes", "p": 0.5, "value": {"dist": "randint", "low": 18, "high": 72}, "otherwise": -1}
    words = plain_words(node, Spec("", -1, 600, "", "", integer=True))
    assert words == "varies between simulated partnerships: in 50% of them a whole number from 18 to 72, each equally likely; in the rest -1"
    x = sample(node, U, Spec("", -1, 600, "", "", integer=True))
    assert abs((x == -1).mean() - 0.5) < 0.01 and x[x != -1].min() == 18 and x[x != -1].max() == 72


def test_the_value_a_parameter_declares_as_none_and_acronyms_read_in_words():
    """A month of -1 read "in the rest -1" (a code for "none") and the governance form "mou in 25%" (a code for MOU)."""
    rebrand = spec_of(PartnershipParams, "rebrand_month")
    node = {"dist": "sometimes", "p": 0.2, "value": {"dist": "randint", "low": 6, "high": 48}, "otherwise": -1}
    assert plain_words(node, rebrand) == (
        "varies between simulated partnerships: in 20% of them a whole number from 6 to 48, each equally likely; in the rest, none"
    )
    assert plain_words(-1, spec_of(PartnershipParams, "deepening_month")) == "none"
    assert plain_words(0, spec_of(CouncilParams, "ceo_leaving_in")) == "none"
    assert plain_words(12, rebrand) == "12"
    governance = spec_of(PartnershipParams, "governance")
    assert plain_words({"dist": "choice", "values": ["mou", "joint_committee"], "p": [0.25, 0.75]}, governance) == (
        "varies between simulated partnerships: MOU in 25%, joint committee in 75%"
    )
    assert plain_words("mou", governance) == "MOU"


def test_a_fixed_value_or_a_distribution_of_one_value_reads_as_itself():
    assert plain_words(0.8, UNIT) == "0.8"
    assert plain_words("joint_committee", spec_of(PartnershipParams, "governance")) == "joint committee"
    assert plain_words(None, UNIT) == "none"
    assert plain_words({"dist": "uniform", "low": 0.5, "high": 0.5}, UNIT) == "0.5"
    assert plain_words({"dist": "normal", "mean": 0.3, "sd": 0}, UNIT) == "0.3"
    assert plain_words({"dist": "choice", "values": ["county"]}, spec_of(CouncilParams, "tier")) == "county"
    assert plain_words({"dist": "randint", "low": 7, "high": 7}, Spec("", 0, 600, "", "", integer=True)) == "7"


def test_every_distribution_the_package_declares_has_plain_words_without_jargon():
    spec = Spec("", -1, 600, "", "")
    nodes = {
        "beta": {"dist": "beta", "a": 2, "b": 5},
        "uniform": {"dist": "uniform", "low": 0.2, "high": 0.6},
        "loguniform": {"dist": "loguniform", "low": 0.1, "high": 10},
        "triangular": {"dist": "triangular", "low": 0.5, "mode": 1, "high": 6},
        "normal": {"dist": "normal", "mean": 3, "sd": 1},
        "randint": {"dist": "randint", "low": 0, "high": 36},
        "choice": {"dist": "choice", "values": [1, 2], "p": [0.25, 0.75]},
        "sometimes": {"dist": "sometimes", "p": 0.2, "value": {"dist": "uniform", "low": 6, "high": 48}, "otherwise": -1},
    }
    assert set(nodes) == set(DISTRIBUTIONS)
    for family, node in nodes.items():
        admits = UNIT if family == "beta" else spec
        assert check_dist(family, node, admits) == [], family
        words = plain_words(node, admits)
        assert JARGON.search(describe(node)), f"{family}: the exact form is the researcher's"
        assert words.startswith("varies between simulated partnerships: ") and not JARGON.search(words), words
