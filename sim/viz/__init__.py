"""The trainer's browser app: watch one partnership month by month, see why it ended, replay it with the lever on.

Start it with ``sim-demo`` (the ``viz`` extra: ``pip install -e ".[viz]"``). Every call into
the model goes through :mod:`sim.viz.adapter` (one run, stepped) and :mod:`sim.viz.stories`
(a stored replication per case that fails for the case's reason); the page
(:mod:`sim.viz.app`), its drawings (:mod:`sim.viz.svg`), the handout (:mod:`sim.viz.handout`)
and the command (:mod:`sim.viz.cli`) only see the plain data they return.

A front-end of its own, above :mod:`sim.frontends`, :mod:`sim.analysis` and :mod:`sim.results`
in the layers (``tests/test_architecture.py``). Plain Solara components, not Mesa's
``SolaraViz``: the page steps two models side by side (the replay with a lever, on common
random numbers) and adds panels of its own (why it ended, stories, the tagged timeline), and
councils are drawn without a Mesa space; ``SolaraViz``'s one-model controller and space
renderers provide none of that. Drawings are inline SVG, so the browser fetches nothing.
"""
