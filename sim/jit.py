"""How the model's per-replication code is compiled.

Every function of the month (mechanisms, exogenous change, levers, savings, the kernel's
own steps) is compiled with numba by :data:`compiled`: machine code cached on disk, and
no reference counting. The state and the parameters travel as named tuples of a few
hundred arrays; counting references to each of them at every call costs more than the
month itself, so compiled code never allocates: the kernel hands it work arrays made
in Python (see :func:`sim.kernel.step`). LLVM inlines each function where it is called
(``forceinline``). Inlining earlier, in numba's own representation, would make the first
compilation a third shorter but the month twice as slow (measured), so it is not done.
"""

from __future__ import annotations

import numba

compiled = numba.njit(cache=True, _nrt=False, forceinline=True)
