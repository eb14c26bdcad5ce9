"""Configurations of the model: checking them, composing them with Hydra, and the commands' settings.

- :mod:`~sim.config.checks`: one checker of a value against its declaration, one line per problem;
- :mod:`~sim.config.distributions`: distribution nodes (``{dist: beta, a: 2, b: 5}``), checked and drawn;
- :mod:`~sim.config.model`: :class:`~sim.config.model.ModelConfig`, built from plain data and checked;
- :mod:`~sim.config.settings`: the commands' own settings, declared and checked like parameters;
- :mod:`~sim.config.schema`: the Hydra schemas (the model's sections; each command's settings plus sections);
- :mod:`~sim.config.scenarios`: named scenarios and policies composed with Hydra;
- :mod:`~sim.config.cases`, :mod:`~sim.config.problems`: the seven cases and Guide 08's fifteen problems as data.
"""
