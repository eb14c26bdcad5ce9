"""partnership-sim: an agent-based model of shared-service partnerships between councils."""

#: The model version (also the package version). Bump it whenever results change on
#: purpose, and regenerate ``tests/baseline.json`` (``python -m experiments.golden``).
__version__ = "0.1.0"
