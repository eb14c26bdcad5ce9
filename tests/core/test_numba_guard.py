"""The private numba option the compiled month relies on (``_nrt=False``) still exists and still does what we need."""

from __future__ import annotations

import numba
import numba.core.errors
import numpy as np
import pytest
from numba.core import cpu


def test_numba_still_has_the_private_nrt_option() -> None:
    assert "_nrt" in dir(cpu.CPUTargetOptions), (
        f"numba {numba.__version__} no longer has the private _nrt option sim/core/jit.py passes: "
        "check the release notes and pin numba below this release in pyproject.toml"
    )


def test_without_nrt_a_function_that_needs_reference_counting_is_refused() -> None:
    @numba.njit(_nrt=False)
    def allocates(n: int) -> np.ndarray:
        return np.zeros(n)

    with pytest.raises(numba.core.errors.TypingError, match="Only accept returning of array passed into the function"):
        allocates(3)


def test_without_nrt_plain_arithmetic_on_arrays_compiles() -> None:
    @numba.njit(_nrt=False)
    def total(x: np.ndarray) -> float:
        s = 0.0
        for v in x:
            s += v
        return s

    assert total(np.arange(4.0)) == 6.0
