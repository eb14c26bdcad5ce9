"""Compiling with numba: a function that does not compile is named, with its file and line, beside numba's own message."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.jit import compiled

RECORD = np.dtype([("hazard", np.float64)], align=True)


@compiled(cache=False)
def reads_a_field_it_lacks(q):
    """Reads a field its record lacks (a typo)."""
    return q[0].hazzard


@compiled(cache=False)
def calls_one_that_fails(q):
    """Calls a function that does not compile."""
    return reads_a_field_it_lacks(q) + 1.0


def test_a_function_that_does_not_compile_is_named_with_its_file_and_line():
    with pytest.raises(Exception) as info:  # numba's own exception type varies between releases
        calls_one_that_fails(np.zeros(1, RECORD))
    (note,) = info.value.__notes__
    code = reads_a_field_it_lacks.py_func.__code__
    assert note.startswith(f"numba could not compile test_jit.reads_a_field_it_lacks ({code.co_filename}, line {code.co_firstlineno})")
    assert "'hazzard'" in note or "'hazzard'" in str(info.value)
