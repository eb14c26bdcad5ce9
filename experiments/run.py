"""Main job: run a scenario under a policy and print outcome shares, timing and causes.

sim-run                                     # the baseline, on defaults
sim-run scenario=baseline replications=20000 seed=7 councils.0.it_maturity=0.3
python -m experiments.run partnership.horizon_months=60
"""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from sim import schema
from sim.config import ConfigError
from sim.ensemble import run_ensemble
from sim.scenarios import model_sections
from sim.summary import render, summarise

schema.register()


@hydra.main(config_path="pkg://sim.configs", config_name="config", version_base="1.3")
def app(cfg: DictConfig) -> None:
    """Check the configuration, run the ensemble and print its summary."""
    try:
        config = model_sections(cfg)
    except ConfigError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    for name, low in (("replications", 1), ("block_size", 1), ("seed", 0)):
        if cfg[name] < low:
            print(f"error: {name} = {cfg[name]} is outside [{low}, inf)", file=sys.stderr)
            sys.exit(2)
    table = run_ensemble(config, cfg.replications, cfg.seed, cfg.block_size)
    print(render(summarise(table)))
    print(f"seed {cfg.seed}, {cfg.replications} replications, engine {cfg.engine}")


def main() -> None:
    """Console entry point ``sim-run``."""
    app()


if __name__ == "__main__":
    main()
