"""Documentation shipped inside the package as ``sim.docs`` (data only): ``limitations.md``, which ``sim-report`` prints in every report."""
