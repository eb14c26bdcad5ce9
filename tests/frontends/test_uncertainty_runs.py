"""Runs with parameter draws: replication r runs draw r // M alone, in any batch or block, and in the Mesa model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config.posterior import shipped_path
from sim.config.scenarios import load
from sim.config.uncertainty import uncertainty
from sim.frontends.ensemble import run_ensemble, simulate
from sim.frontends.model import PartnershipModel
from sim.frontends.runner import Sinks, fixed, run_blocks, simulate_mesa

M = 4
COLUMNS = ["rep", "draw", "outcome", "end_month", "cause", "launch_month", "realised_savings", "business_case", "net_savings", "exits"]


@pytest.fixture(scope="module")
def config():
    return load("baseline", overrides=["partnership.horizon_months=60"])


@pytest.fixture(scope="module")
def whole(config) -> pd.DataFrame:
    return run_ensemble(config, 40, 6, uncertainty="prior", replications_per_draw=M, workers=1)


def test_each_replication_runs_draw_r_over_m_and_draws_differ(whole, config):
    assert whole["draw"].tolist() == [r // M for r in range(40)]
    plain = run_ensemble(config, 40, 6, uncertainty="none", workers=1)
    assert "draw" not in plain
    assert not whole["realised_savings"].equals(plain["realised_savings"])


def test_rows_are_the_same_in_any_block_size_or_starting_replication(whole, config):
    blocks = run_ensemble(config, 40, 6, block_size=7, uncertainty="prior", replications_per_draw=M, workers=2)
    pd.testing.assert_frame_equal(blocks[COLUMNS], whole[COLUMNS])
    tail = run_ensemble(config, 13, 6, first_rep=27, uncertainty="prior", replications_per_draw=M, workers=1)
    pd.testing.assert_frame_equal(tail[COLUMNS].reset_index(drop=True), whole[COLUMNS].iloc[27:].reset_index(drop=True))


def test_a_replication_equals_the_point_of_its_draw_run_on_its_own(whole, config):
    u = uncertainty("prior", M)
    r = 22
    point = u.point(config, 6, r)
    alone = simulate(point, np.array([r]), 6).to_pandas()
    assert alone.loc[0, "realised_savings"] == whole.loc[r, "realised_savings"]
    assert alone.loc[0, "outcome"] == whole.loc[r, "outcome"] and alone.loc[0, "end_month"] == whole.loc[r, "end_month"]


@pytest.mark.parametrize("r", [0, 5, 31])
def test_the_mesa_model_given_seed_and_r_equals_the_ensembles_row_r(whole, config, r):
    model = PartnershipModel(config=config, seed=6, replication=r, uncertainty="prior", replications_per_draw=M)
    model.run_model()
    row = model.replication_table().iloc[0]
    for name in ("outcome", "end_month", "cause", "launch_month", "realised_savings", "business_case", "net_savings", "exits"):
        assert row[name] == whole.loc[r, name], name
    assert model.config.to_dict() == uncertainty("prior", M).point(config, 6, r).to_dict()
    assert model.base_config is config


def test_the_mesa_engine_of_the_runner_gives_the_ensembles_rows_and_draws(whole, config):
    u = uncertainty("prior", M)
    mesa = simulate_mesa(config, np.arange(8, 12), 6, uncertainty=u).to_pandas()
    pd.testing.assert_frame_equal(mesa[COLUMNS].reset_index(drop=True), whole[COLUMNS].iloc[8:12].reset_index(drop=True))


def test_an_override_named_to_the_mesa_model_is_never_drawn():
    model = PartnershipModel(overrides=("decisions.memory=0.2",), seed=1, replication=3, uncertainty="prior", replications_per_draw=M)
    assert model.config.decisions.memory == 0.2
    assert model.config.decisions.noise != model.base_config.decisions.noise


def test_the_block_runner_sends_the_draw_column_to_its_sinks(config):
    seen: list[np.ndarray] = []

    class Sink:
        def write(self, table) -> None:
            seen.append(table.columns["draw"])

    run_blocks(config, 6, fixed(10, 3), Sinks(tables=(Sink(),)), uncertainty=uncertainty("prior", M))
    assert np.concatenate(seen).tolist() == [r // M for r in range(10)]


def test_draws_outside_the_model_config_refuse_a_batch_of_points(config):
    with pytest.raises(ValueError, match="one configuration"):
        simulate([config, config], np.arange(4), 1, point_of_rep=np.array([0, 0, 1, 1]), uncertainty=uncertainty("prior", 2))


def test_an_ensemble_drawing_from_a_posterior_worth_few_points_warns_with_its_draws(config, tmp_path):
    small = tmp_path / "small.parquet"
    pd.read_parquet(shipped_path()).head(3).assign(weight=[0.9, 0.05, 0.05]).to_parquet(small)
    words = r"worth about 1 equally weighted point \(effective sample size 1 of its 3 rows;.* its 3 parameter draws repeat those few points"
    with pytest.warns(UserWarning, match=words):
        run_ensemble(config, 9, 6, first_rep=7, uncertainty="posterior", posterior=small, replications_per_draw=M, workers=1)  # draws 1, 2, 3
