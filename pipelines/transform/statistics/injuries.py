"""Injury incidence per 1000 running hours with exact Poisson CIs, and crude incidence rate ratios with
an exact conditional CI and an athlete-cluster bootstrap CI."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import (
    cluster_bootstraps,
    cluster_ci_method,
    garwood_ci,
    irr_exact_ci,
    percentile_ci,
    ratio_of_sums,
)

PER_HOURS = 1000.0
RATE_CI_METHOD = "exact Poisson (Garwood)"
IRR_CI_METHOD = "exact conditional"
# the athlete-week column each comparison's groups come from
GROUP_COLUMNS = {"adherence_band": "adherence_band", "enrolment": "enrolment_group"}

INCIDENCE_SCHEMA: dict[str, pl.DataType] = {
    "case_definition": pl.String,
    "comparison": pl.String,
    "group_label": pl.String,
    "cases": pl.Int64,
    "hours": pl.Float64,
    "rate_per_1000h": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "reference_group": pl.String,
    "irr": pl.Float64,
    "irr_ci_low": pl.Float64,
    "irr_ci_high": pl.Float64,
    "ci_method": pl.String,
    "rate_ci_method": pl.String,
    "irr_cluster_ci_low": pl.Float64,
    "irr_cluster_ci_high": pl.Float64,
    "cluster_ci_method": pl.String,
}


def injury_incidence(
    int_incidence_counts: duckdb.DuckDBPyRelation,
    int_injury_athlete_weeks: duckdb.DuckDBPyRelation,
    thresholds: Thresholds,
) -> pl.DataFrame:
    """Rates with Garwood CIs for every case definition and group; IRRs vs each comparison's reference.

    The reference row carries irr 1 without a CI; an IRR the data cannot bound (no cases, no hours)
    is null. ci_method names the exact IRR CI method (the club row, without an IRR, names the rate's);
    the exact CI assumes independent injuries, which one runner's recurrent injuries break, so
    irr_cluster_* is the athlete-cluster bootstrap interval of the same IRR (cluster_ci_method).
    Observational: an IRR is an association, not the program's effect.
    """
    counts = int_incidence_counts.select(
        "case_definition, comparison, group_label, reference_group, cases, hours"
    ).pl()
    reference = {
        (r["case_definition"], r["comparison"]): r
        for r in counts.iter_rows(named=True)
        if r["group_label"] == r["reference_group"]
    }
    # each athlete's cases and hours per group, summed in DuckDB (hours as exact decimals, the same
    # in any order) rather than 832 k athlete-weeks read into Python at 2,000 athletes x 3 years;
    # in a fixed order: the bootstrap draws athletes by position
    groups = ", ".join(GROUP_COLUMNS.values())
    athlete_groups = (
        int_injury_athlete_weeks.aggregate(
            f"case_definition, athlete_id, {groups}, sum(cases)::BIGINT AS cases, "
            "sum(hours_at_risk::DECIMAL(18, 9))::DOUBLE AS hours_at_risk",
            f"case_definition, athlete_id, {groups}",
        )
        .order(f"case_definition, athlete_id, {groups}")
        .pl()
    )
    rows = [
        _incidence_row(r, reference.get((r["case_definition"], r["comparison"])))
        for r in counts.iter_rows(named=True)
    ]
    # the groups with an IRR, each with its athletes' cases and hours in it and its reference
    clustered = {
        i: _per_athlete(athlete_groups, r)
        for i, (r, row) in enumerate(zip(counts.iter_rows(named=True), rows, strict=True))
        if row["irr"] is not None and r["group_label"] != r["reference_group"]
    }
    intervals = _clustered_irr_cis(
        {i: a for i, a in clustered.items() if a.height >= 2}, thresholds
    )
    for i, row in enumerate(rows):
        low, high = intervals.get(i, (None, None))
        method = cluster_ci_method(thresholds) if i in clustered else None
        row |= {"irr_cluster_ci_low": low, "irr_cluster_ci_high": high, "cluster_ci_method": method}
    return pl.DataFrame(rows, schema=INCIDENCE_SCHEMA)


def _per_athlete(athlete_groups: pl.DataFrame, group: dict) -> pl.DataFrame:
    """Each athlete's cases and hours in a group and in its reference (columns cases, hours,
    ref_cases, ref_hours), athletes in either, by athlete_id: the seeded draws pick athletes by
    position, so in a fixed order a rebuild gives the same CI."""
    column = GROUP_COLUMNS[group["comparison"]]
    return (
        athlete_groups.filter(
            pl.col("case_definition") == group["case_definition"],
            pl.col(column).is_in([group["group_label"], group["reference_group"]]),
        )
        .group_by("athlete_id", maintain_order=True)
        .agg(
            (pl.col(name).filter(pl.col(column) == label).sum().cast(pl.Float64)).alias(alias)
            for label, prefix in ((group["group_label"], ""), (group["reference_group"], "ref_"))
            for name, alias in (("cases", f"{prefix}cases"), ("hours_at_risk", f"{prefix}hours"))
        )
        .sort("athlete_id")
    )


def _clustered_irr_cis(
    groups: dict[int, pl.DataFrame], thresholds: Thresholds
) -> dict[int, tuple[float | None, float | None]]:
    """Athlete-cluster bootstrap percentile CI of each group's IRR vs its reference: each replicate
    draws athletes with replacement, each bringing all their cases and hours in both groups. The
    groups with as many athletes share the draws (as each would draw them alone)."""

    def irr(per_athlete: pl.DataFrame) -> Callable[[np.ndarray], np.ndarray]:
        cases, hours, ref_cases, ref_hours = (
            per_athlete[c].to_numpy() for c in ("cases", "hours", "ref_cases", "ref_hours")
        )
        return lambda weights: ratio_of_sums(
            ratio_of_sums(weights @ cases, weights @ hours),
            ratio_of_sums(weights @ ref_cases, weights @ ref_hours),
        )

    intervals = {}
    for clusters in sorted({a.height for a in groups.values()}):
        same = [i for i, a in groups.items() if a.height == clusters]
        replicates = cluster_bootstraps(
            [irr(groups[i]) for i in same],
            clusters,
            thresholds.bootstrap_replicates,
            thresholds.bootstrap_seed,
        )
        intervals |= {i: percentile_ci(r) for i, r in zip(same, replicates, strict=True)}
    return intervals


def _incidence_row(group: dict, reference: dict | None) -> dict:
    cases, hours = int(group["cases"]), float(group["hours"])
    rate = low = high = None
    if hours > 0:
        low, high = (PER_HOURS * v for v in garwood_ci(cases, hours))
        rate = PER_HOURS * cases / hours
    irr = irr_low = irr_high = None
    if reference is None:
        method = RATE_CI_METHOD
    elif group["group_label"] == group["reference_group"]:
        irr, method = 1.0, IRR_CI_METHOD
    else:
        ratio = irr_exact_ci(cases, hours, int(reference["cases"]), float(reference["hours"]))
        irr, irr_low, irr_high, method = ratio.irr, ratio.ci_low, ratio.ci_high, IRR_CI_METHOD
    return {
        **{
            k: group[k] for k in ("case_definition", "comparison", "group_label", "reference_group")
        },
        "cases": cases,
        "hours": hours,
        "rate_per_1000h": rate,
        "ci_low": low,
        "ci_high": high,
        "irr": irr,
        "irr_ci_low": irr_low,
        "irr_ci_high": irr_high,
        "ci_method": method,
        "rate_ci_method": RATE_CI_METHOD,
    }
