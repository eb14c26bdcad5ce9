"""Distribution nodes: draws by inverse CDF match the families' known moments; strings as nodes."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.distributions import as_node, check_dist, is_dist, sample
from sim.core import rng
from sim.core.declare import Spec, spec_of
from sim.core.params import CouncilParams

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
