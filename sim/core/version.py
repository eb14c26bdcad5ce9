"""The model version. Bump it whenever results change on purpose, say why in ``CHANGELOG.md``,
and regenerate the golden numbers (``python experiments/golden.py --force``) and ``docs/``."""

__version__ = "0.2.3"
