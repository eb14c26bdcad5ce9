"""Designs: the value each point runs with, read from a row and the base configuration."""

from __future__ import annotations

from sim.frontends import design


def test_an_empty_cell_records_the_base_value_its_point_keeps():
    base = {"partnership": {"commercial_capability": {"dist": "beta", "a": 2, "b": 4}, "horizon_months": 60}, "councils": [{"it_maturity": 0.4}]}
    columns = ["councils.0.it_maturity", "partnership.horizon_months", "partnership.commercial_capability", "councils.3.it_maturity", "seed"]
    row = {"councils.0.it_maturity": 0.7}
    assert design.filled(base, row, columns) == {
        "councils.0.it_maturity": 0.7,
        "partnership.horizon_months": 60,
        "partnership.commercial_capability": {"dist": "beta", "a": 2, "b": 4},
    }
    assert design.get_path(base, "councils.0.it_maturity") == 0.4 and design.get_path(base, "councils.1.it_maturity") is None
    assert design.get_path(base, "partnership.horizon_months.x") is None


def test_a_design_file_is_read_once_and_fingerprinted_from_the_bytes_parsed(tmp_path, monkeypatch):
    """The file was read twice, once to parse and once to hash: a file changed in between gave points and a fingerprint of two files."""
    import hashlib
    from pathlib import Path

    path = tmp_path / "points.csv"
    path.write_text("councils.0.it_maturity\n0.3\n0.6\n")
    original = path.read_bytes()
    reads = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or read_bytes(self))
    read = design.read_design(path)
    path.write_text("councils.0.it_maturity\n0.9\n")  # changed after it was read: the design holds what it parsed
    assert reads == [path]
    assert read.frame["councils.0.it_maturity"].tolist() == [0.3, 0.6]
    assert read.sha256 == hashlib.sha256(original).hexdigest()
