"""Potential and share of wallet: the ERP's figure, else the peers' upper quartile."""

import numpy as np

from carteira_core.value.potential import wallet_share

NAN = np.nan


def test_a_client_without_erp_potential_gets_the_upper_quartile_of_its_segment_and_state():
    # five farmácias in SP bought 100..500: the upper quartile is 400 (linear interpolation)
    revenue = np.array([100, 200, 300, 400, 500]) * 100
    found = wallet_share(revenue, np.array(["farmácias"] * 5), np.array(["SP"] * 5),
                         np.full(5, NAN), quantile=0.75, min_peers=5)  # fmt: skip
    assert found.potential_cents.tolist() == [40_000.0] * 5
    assert found.source.tolist() == ["segment_state"] * 5
    assert found.peers.tolist() == [5] * 5
    assert found.gap_cents.tolist() == [30_000.0, 20_000.0, 10_000.0, 0.0, 0.0]
    assert found.share.tolist() == [0.25, 0.5, 0.75, 1.0, 1.25]


def test_too_few_peers_in_the_state_falls_back_to_the_segment_then_the_portfolio():
    revenue = np.array([100, 200, 300, 400, 800, 1_000, 0]) * 100
    segment = np.array(["f", "f", "f", "f", "f", "m", ""])
    state = np.array(["SP", "SP", "SP", "SP", "RJ", "SP", "SP"])
    found = wallet_share(revenue, segment, state, np.full(7, NAN), quantile=0.5, min_peers=5)
    # f/SP has 4 buyers, f has 5 (median 300); m has 1 and "" no segment: the portfolio's
    # 6 buyers (median of 100..1000 → (300 + 400) / 2 = 350)
    assert found.source.tolist() == ["segment"] * 5 + ["portfolio"] * 2
    assert found.potential_cents.tolist() == [30_000.0] * 5 + [35_000.0] * 2
    assert found.peers.tolist() == [5] * 5 + [6, 6]
    assert found.gap_cents[-1] == 35_000.0  # never bought: the whole potential is the gap
    assert found.share[-1] == 0.0


def test_the_erps_potential_wins_over_the_peers():
    revenue = np.array([100, 200, 300, 400, 500]) * 100
    erp = np.array([NAN, 120_000, NAN, NAN, NAN])
    found = wallet_share(revenue, np.array(["f"] * 5), np.array(["SP"] * 5), erp,
                         quantile=0.75, min_peers=5)  # fmt: skip
    assert found.source.tolist() == ["segment_state", "erp", "segment_state", "segment_state",
                                     "segment_state"]  # fmt: skip
    assert (found.potential_cents[1], found.gap_cents[1], found.peers[1]) == (120_000, 100_000, 0)


def test_a_portfolio_with_fewer_buyers_than_min_peers_estimates_nothing():
    found = wallet_share(np.array([100, 0]), np.array(["f", "f"]), np.array(["SP", "SP"]),
                         np.full(2, NAN), min_peers=5)  # fmt: skip
    assert found.source.tolist() == ["", ""]
    assert np.isnan(found.potential_cents).all() and np.isnan(found.gap_cents).all()
