"""Compiling with numba: a function that does not compile is named, with its file and line, beside numba's own message."""

from __future__ import annotations

import io

import numpy as np
import pytest

from sim.core.jit import COMPILE_TIME, CompileNotice, compiled

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


def test_the_compile_notice_says_how_long_compiling_takes():
    """It said 'about half a minute', which only an idle machine came near (66-77 s with another job running)."""
    stream = io.StringIO()
    with CompileNotice(stream):
        pass
    first = stream.getvalue().splitlines()[0]
    assert first == f"Compiling the model with numba (once per version of the code; {COMPILE_TIME})..." and "half a minute" not in first
