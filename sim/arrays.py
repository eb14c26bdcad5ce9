"""Parameter arrays as named tuples: what :func:`sim.population.build` returns and the compiled kernel reads.

One named tuple per section of the configuration, with one array per parameter (``(R,)``
per partnership, ``(R, K)`` per council): flags are booleans, whole numbers and choices
integers, everything else floats. The tuple types are built once from the parameter
dataclasses, so a new parameter needs no change here.
"""

from __future__ import annotations

from collections import namedtuple

from sim.mechanisms import MECHANISMS
from sim.mechanisms.base import field_names
from sim.params import CouncilParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams

CouncilArrays = namedtuple("CouncilArrays", field_names(CouncilParams))
PartnershipArrays = namedtuple("PartnershipArrays", field_names(PartnershipParams))
DynamicsArrays = namedtuple("DynamicsArrays", field_names(DynamicsParams))
ExogenousArrays = namedtuple("ExogenousArrays", field_names(ExogenousParams))
#: Lever parameters as ``(R, L)`` arrays, one column per lever in the order of :data:`sim.levers.NAMES`.
LeverArrays = namedtuple("LeverArrays", field_names(LeverParams))
#: One tuple of parameter arrays per mechanism, in registry order.
Mechanisms = namedtuple("Mechanisms", [m.NAME for m in MECHANISMS])
ParamArrays = namedtuple("ParamArrays", ["council", "partnership", "dynamics", "exogenous", "mech", "lever"])
ParamArrays.__doc__ = "Every parameter as arrays, one row per replication (see :func:`sim.population.build`)."

SECTIONS: dict[type, type] = {
    CouncilParams: CouncilArrays,
    PartnershipParams: PartnershipArrays,
    DynamicsParams: DynamicsArrays,
    ExogenousParams: ExogenousArrays,
    LeverParams: LeverArrays,
    **{m.Params: m.ParamArrays for m in MECHANISMS},
}
