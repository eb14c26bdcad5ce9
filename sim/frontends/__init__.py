"""Front-ends over the compiled month: the ensemble, the block runner, and the Mesa model.

- :mod:`~sim.frontends.compiling`: compiling the month once, with a notice, before the first run;
- :mod:`~sim.frontends.table`: the replication table as numpy columns;
- :mod:`~sim.frontends.ensemble`: many replications at once (:func:`~sim.frontends.ensemble.run_ensemble`);
- :mod:`~sim.frontends.runner`: a configuration run in blocks, by count or to a precision, into sinks;
- :mod:`~sim.frontends.trajectories`: monthly quantiles of the state, for fan charts;
- :mod:`~sim.frontends.narrative`: the event log of one partnership in plain language;
- :mod:`~sim.frontends.agents`, :mod:`~sim.frontends.model`: councils as Mesa agents and one partnership as a Mesa model.
- :mod:`~sim.frontends.words`: a title's first letter inside a sentence or at its start (``lower_first``, ``upper_first``).
"""
