"""Results files: written atomically, with provenance."""
