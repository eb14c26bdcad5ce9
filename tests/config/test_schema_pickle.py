"""The generated Hydra schema classes pickle by reference (importable by name), so configs travel to submitit and Ray workers intact."""

from __future__ import annotations

import pickle
import subprocess
import sys

import cloudpickle
from omegaconf import OmegaConf

from sim.config import schema
from sim.config.scenarios import compose_run


def test_every_generated_class_is_a_name_of_the_module():
    for cls in (schema.RunSchema, schema.CompareSchema, schema.CouncilParamsSchema, schema.MechanismsSchema, schema.LeversSchema, schema.Case04MechanismSchema):
        assert cls.__module__ == "sim.config.schema"
        assert getattr(schema, cls.__qualname__) is cls
    assert schema.run_schema() is schema.RunSchema  # made once


def test_a_composed_config_survives_plain_pickle_and_cloudpickle_in_a_fresh_process(tmp_path):
    cfg = compose_run("case04_trading_company", "none", ["councils.0.it_maturity=0.3"])
    assert OmegaConf.to_container(pickle.loads(pickle.dumps(cfg))) == OmegaConf.to_container(cfg)
    blob = tmp_path / "cfg.pkl"
    blob.write_bytes(cloudpickle.dumps(cfg))
    # cloudpickle 2.x (hydra-ray-launcher's pin) shipped make_dataclass classes by value, without fields
    assert b"make_dataclass" not in blob.read_bytes() and b"_make_skeleton_class" not in blob.read_bytes()
    code = (
        "import pickle, sys\n"
        "cfg = pickle.load(open(sys.argv[1], 'rb'))\n"
        "from sim.config.scenarios import model_sections\n"
        "print(cfg.councils[0].name, model_sections(cfg).councils[0].it_maturity)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(blob)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["Northdale", "DC", "0.3"]
