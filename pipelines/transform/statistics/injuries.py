"""Injury incidence per 1000 running hours with exact Poisson CIs, and exact incidence rate ratios."""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import garwood_ci, irr_exact_ci

PER_HOURS = 1000.0
RATE_CI_METHOD = "exact Poisson (Garwood)"
IRR_CI_METHOD = "exact conditional"

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
}


def injury_incidence(
    int_incidence_counts: duckdb.DuckDBPyRelation, thresholds: Thresholds
) -> pl.DataFrame:
    """Rates with Garwood CIs for every case definition and group; IRRs vs each comparison's reference.

    The reference row carries irr 1 without a CI; an IRR the data cannot bound (no cases, no hours)
    is null. ci_method names the IRR CI method (the club row, without an IRR, names the rate's).
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
    rows = [
        _incidence_row(r, reference.get((r["case_definition"], r["comparison"])))
        for r in counts.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=INCIDENCE_SCHEMA)


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
