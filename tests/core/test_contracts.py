"""Every registered mechanism keeps its contract (the checks are in ``mechanism_checks.py``, run here on the whole registry).

Like scikit-learn's estimator checks: the tests are generated from the registry, so a new
mechanism is checked as soon as it is registered.
"""

from __future__ import annotations

import pytest
from mechanism_checks import CHECKS, cases, check_registry

from sim.core.mechanisms import MECHANISMS, by_name, mechanisms

REGISTRY = mechanisms()


def test_the_registry_is_consistent():
    check_registry(REGISTRY)
    assert by_name() == {m.name: m for m in REGISTRY}
    assert REGISTRY[: len(MECHANISMS)] == MECHANISMS


def test_the_random_cases_reach_varied_states():
    """The behaviour checks see proposals, launched and ended partnerships, deeper sharing, ventures and rebrands."""
    found = cases()
    phases = set()
    for case in found:
        phases |= set(case.s.partnership["phase"].tolist())
    assert phases == {0, 1, 2, 3, 4}
    assert len(found) > 60 and any((case.s.council["active"] == False).any() for case in found)  # noqa: E712


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
@pytest.mark.parametrize("mechanism", REGISTRY, ids=lambda m: m.name)
def test_contract(mechanism, check):
    check(mechanism)
