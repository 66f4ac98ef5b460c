"""Fixed and per-point costs from two backlog sizes, as the ingestion benchmark's --quick reports them."""

from __future__ import annotations

import pytest

from benchmarks.ingest_costs import fit_costs, import_cpu_s


def test_two_sizes_split_a_run_into_fixed_and_per_point_cost() -> None:
    # 100k points in 3 s and 500k points in 7 s: 4 s for 400k more points is 10 us a point
    # (100k points per second), and 3 s - 100k x 10 us leaves 2 s that any backlog pays.
    costs = fit_costs((100_000, 3.0), (500_000, 7.0))
    assert costs.per_point == pytest.approx(1e-5)
    assert costs.fixed == pytest.approx(2.0)
    assert costs.points_per_s == pytest.approx(100_000)


def test_the_larger_run_must_have_more_points() -> None:
    with pytest.raises(ValueError, match="more than 500000"):
        fit_costs((500_000, 7.0), (500_000, 7.5))


def test_baseline_fixed_cost_is_the_cpu_its_imports_take_in_a_fresh_interpreter() -> None:
    assert import_cpu_s(("json",)) >= 0.0
    assert import_cpu_s() > import_cpu_s(("json",))  # gpxpy and fitdecode cost more than json
