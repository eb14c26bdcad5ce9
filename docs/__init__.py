"""Documentation shipped inside the package as ``sim.docs`` (data only): every page of ``docs/`` with its figures, so that the pages the
commands name (``docs/sweeps.md``, ``docs/parameters.md``...) are there in an installed package too; ``sim-report`` prints
``limitations.md`` in every report."""
