"""The compiled month: the model itself, in the order a newcomer reads it.

- :mod:`~sim.core.declare`: how a parameter is declared (unit, range, concept and value sources, prior);
- :mod:`~sim.core.params`: the shared parameter sections (councils, partnership, dynamics, exogenous change, levers);
- :mod:`~sim.core.records`: parameter sections as record arrays;
- :mod:`~sim.core.state`: the state (phases, outcomes, record arrays);
- :mod:`~sim.core.contract`: what a mechanism is (its contract, month, effect);
- :mod:`~sim.core.mechanisms`: the seven mechanisms and the registry;
- :mod:`~sim.core.exogenous`, :mod:`~sim.core.levers`, :mod:`~sim.core.savings`: change from outside, levers, savings;
- :mod:`~sim.core.causes`, :mod:`~sim.core.layout`, :mod:`~sim.core.schedule`: causes, streams and events laid out from the registry;
- :mod:`~sim.core.rng`: counter-based random numbers;
- :mod:`~sim.core.kernel`: the month's order, :func:`~sim.core.kernel.run` and :func:`~sim.core.kernel.step`;
- :mod:`~sim.core.jit`: compilation with numba on first use, cached per version of this folder.

Nothing here imports a layer above it; numba is imported only by the kernel (and when the
month is first compiled), so declaring and checking configurations stays light.
"""
