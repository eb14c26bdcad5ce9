"""The commands: ``sim-run``, ``sim-compare``, ``sim-validate`` and the parameter docs (``python -m sim.cli.paramdocs``)."""
