"""How the model's per-replication code is compiled.

Every function of the month (mechanisms, exogenous change, levers, savings, the kernel's
own steps) is compiled with numba, cached on disk, without reference counting: the state
and the parameters travel as named tuples of a few hundred arrays, and counting
references to each of them at every call costs more than the month itself, so compiled
code never allocates (the kernel hands it work arrays made in Python, see
:func:`sim.kernel.step`). Small helpers are :data:`inlined` where they are called, which
shortens the first compilation by a third; inlining the large functions too would halve
it again but makes the month twice as slow, so they stay :data:`compiled` on their own.
Either kind can be called from Python.
"""

from __future__ import annotations

import numba

compiled = numba.njit(cache=True, _nrt=False)
inlined = numba.njit(cache=True, _nrt=False, inline="always")
