"""Record layouts: every parameter section as one numpy record (structured) array.

Compiled code reads a section as one record array, one record per replication (``(R,)``)
or per replication and council (``(R, K)``): ``P.partnership[i].guarantee_months``. One
argument per section keeps the compiled signatures small, which keeps the first
compilation short, and a replication's parameters sit together in memory. The layouts
come from the parameter dataclasses: switches are booleans, whole numbers and categories
(as the index of their label) integers, everything else floats; free text stays out.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np


def kind(unit: str, integer: bool, choices: tuple[str, ...]) -> np.dtype:
    """The numpy type a parameter is stored as."""
    if unit == "flag":
        return np.dtype(np.bool_)
    if integer or choices:
        return np.dtype(np.int64)
    return np.dtype(np.float64)


def dtype_of(cls: type) -> np.dtype:
    """The record dtype of a parameter dataclass: one field per parameter, free text left out."""
    out = []
    for f in fields(cls):
        spec = f.metadata["spec"]
        if spec.unit != "text":
            out.append((f.name, kind(spec.unit, spec.integer, spec.choices)))
    return np.dtype(out, align=True)
