"""The adjusted rate ratios (mart_injury_adjusted, solved in numpy) against statsmodels' formula API
called directly, on a small and a 400-athlete club, and the readable reasons when the data cannot
support them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from pipelines.settings import Thresholds
from pipelines.transform.statistics.adjusted import adjusted_rate_ratios

ATHLETES, WEEKS = 14, 20
COUNTS = pl.DataFrame(
    {
        "case_definition": ["running_related_injury"] * 3,
        "comparison": ["adherence_band"] * 3,
        "group_label": ["high", "medium", "low"],
        "reference_group": ["low"] * 3,
    }
)


def _athlete_weeks(seed: int = 4, athletes: int = ATHLETES) -> pl.DataFrame:
    """A club's athlete-weeks: bands, hours, km, age and sex vary; cases drawn from a Poisson."""
    rng = np.random.default_rng(seed)
    n = athletes * WEEKS
    athlete = np.repeat([f"a{i:03d}" for i in range(athletes)], WEEKS)
    band = rng.choice(["high", "medium", "low"], size=n)
    hours = rng.uniform(1, 6, size=n)
    rate = 0.02 * np.where(band == "high", 0.5, np.where(band == "medium", 0.8, 1.0))
    cases = rng.poisson(rate * hours * 4)
    previous = np.zeros(n, dtype=bool)
    for i in range(athletes):
        rows = slice(i * WEEKS, (i + 1) * WEEKS)
        previous[rows] = np.concatenate([[0], np.cumsum(cases[rows])[:-1]]) > 0
    return pl.DataFrame(
        {
            "case_definition": "running_related_injury",
            "athlete_id": athlete,
            "week_start": [None] * n,
            "hours_at_risk": hours,
            "cases": cases,
            "adherence_band": band,
            "enrolment_group": "enrolled",
            "previous_injury": previous,
            "previous_week_km": rng.uniform(5, 60, size=n),
            "sex": np.repeat(rng.choice(["F", "M"], size=athletes), WEEKS),
            "age_years": np.repeat(rng.integers(20, 65, size=athletes), WEEKS),
        }
    )


def _adjusted(tmp_path: Path, weeks: pl.DataFrame) -> dict[str, dict]:
    """mart_injury_adjusted's rows by band, computed from tables in a real DuckDB file."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.register("weeks_frame", weeks.to_arrow())
    con.register("counts_frame", COUNTS.to_arrow())
    con.sql("create table int_injury_athlete_weeks as select * from weeks_frame")
    con.sql("create table int_incidence_counts as select * from counts_frame")
    out = adjusted_rate_ratios(
        con.table("int_injury_athlete_weeks"), con.table("int_incidence_counts"), Thresholds()
    )
    con.close()
    return {r["group_label"]: r for r in out.to_dicts()}


def _statsmodels_ratios(weeks: pl.DataFrame, covariates: str) -> dict[str, tuple]:
    """Each band's rate ratio and Wald 95% bounds vs low from statsmodels' GEE formula API, adjusted
    for `covariates` (formula terms)."""
    frame = weeks.with_columns(
        pl.col("previous_injury").cast(pl.Int64), pl.col("age_years").cast(pl.Float64)
    ).to_pandas()
    expected = smf.gee(
        f"cases ~ C(adherence_band, Treatment('low')) + {covariates}",
        groups="athlete_id",
        data=frame,
        offset=np.log(frame["hours_at_risk"]),
        family=sm.families.Poisson(),
        cov_struct=sm.cov_struct.Independence(),
    ).fit()
    bounds = np.exp(expected.conf_int())
    terms = {band: f"C(adherence_band, Treatment('low'))[T.{band}]" for band in ("high", "medium")}
    return {
        band: (np.exp(expected.params[t]), bounds.loc[t, 0], bounds.loc[t, 1])
        for band, t in terms.items()
    }


@pytest.mark.parametrize(("seed", "athletes"), [(4, ATHLETES), (9, 400)])
def test_rate_ratios_match_statsmodels_called_directly(
    tmp_path: Path, seed: int, athletes: int
) -> None:
    weeks = _athlete_weeks(seed, athletes)
    got = _adjusted(tmp_path, weeks)
    expected = _statsmodels_ratios(
        weeks, "previous_injury + I(previous_week_km / 10) + I(age_years / 10) + C(sex)"
    )
    for band in ("high", "medium"):
        row = got[band]
        assert (row["irr"], row["ci_low"], row["ci_high"]) == pytest.approx(
            expected[band], rel=1e-6
        )
        assert (row["athletes"], row["athlete_weeks"], row["cases"]) == (
            athletes,
            athletes * WEEKS,
            int(weeks["cases"].sum()),
        )
        assert row["not_estimable"] is None
        assert row["adjusted_for"] == (
            "a previous injury, the previous week's running km (per 10 km), age (per 10 years), "
            "sex (M vs F)"
        )
        assert row["covariates_left_out"] is None
        assert row["design"].startswith("observational")
        assert "independence working correlation" in row["model"]


FIRST_WEEK = pl.int_range(pl.len()) % WEEKS == 0  # _athlete_weeks' rows run athlete by athlete
MALE = pl.col("athlete_id").is_in(["a000", "a001", "a002"])


@pytest.mark.parametrize(
    ("separated", "covariates", "adjusted_for", "note"),
    [
        (
            # no previous injury only in each athlete's first week, and no case in those weeks
            {
                "previous_injury": ~FIRST_WEEK,
                "cases": pl.when(FIRST_WEEK).then(0).otherwise(pl.col("cases")),
            },
            "I(previous_week_km / 10) + I(age_years / 10) + C(sex)",
            "the previous week's running km (per 10 km), age (per 10 years), sex (M vs F)",
            "not adjusted for a previous injury because no case fell in the 14 athlete-weeks "
            "without a previous injury, so its effect cannot be estimated",
        ),
        (
            # three men (3 x 20 weeks) without a case
            {
                "sex": pl.when(MALE).then(pl.lit("M")).otherwise(pl.lit("F")),
                "cases": pl.when(MALE).then(0).otherwise(pl.col("cases")),
            },
            "previous_injury + I(previous_week_km / 10) + I(age_years / 10)",
            "a previous injury, the previous week's running km (per 10 km), age (per 10 years)",
            "not adjusted for sex (M vs F) because no case fell in the 60 athlete-weeks of M "
            "athletes, so its effect cannot be estimated",
        ),
    ],
    ids=["previous_injury", "sex"],
)
def test_a_covariate_with_no_case_on_one_side_is_left_out_and_named(
    tmp_path: Path, separated: dict, covariates: str, adjusted_for: str, note: str
) -> None:
    # with no case on one side the likelihood rises as that coefficient goes to infinity: no MLE
    weeks = _athlete_weeks().with_columns(**separated)
    got = _adjusted(tmp_path, weeks)
    expected = _statsmodels_ratios(weeks, covariates)
    for band in ("high", "medium"):
        row = got[band]
        assert row["not_estimable"] is None
        assert (row["irr"], row["ci_low"], row["ci_high"]) == pytest.approx(
            expected[band], rel=1e-6
        )
        assert row["adjusted_for"] == adjusted_for
        assert row["covariates_left_out"] == note


def test_collinear_covariates_are_not_estimable_and_named(tmp_path: Path) -> None:
    # every woman 30 and every man 40: age / 10 = 3 + (sex M), a combination of the intercept and sex
    weeks = _athlete_weeks().with_columns(
        age_years=pl.when(pl.col("sex") == "M").then(40).otherwise(30)
    )
    got = _adjusted(tmp_path, weeks)
    for band in ("high", "medium"):
        assert got[band]["irr"] is None
        assert got[band]["not_estimable"] == (
            "not estimable: age (per 10 years), sex (M vs F) are tied to one another in these "
            "athlete-weeks (one is a combination of the others), so their effects cannot be told "
            "apart"
        )


def test_a_band_without_cases_is_not_estimable_and_left_out(tmp_path: Path) -> None:
    weeks = _athlete_weeks().with_columns(
        pl.when(pl.col("adherence_band") == "high")
        .then(0)
        .otherwise(pl.col("cases"))
        .alias("cases")
    )
    got = _adjusted(tmp_path, weeks)
    assert got["high"]["irr"] is None
    assert got["high"]["not_estimable"] == (
        "not estimable: no cases in the high band, so its rate cannot be compared"
    )
    # medium is still fitted, on the medium and low athlete-weeks only
    kept = weeks.filter(pl.col("adherence_band") != "high")
    assert got["medium"]["irr"] is not None
    assert got["medium"]["athlete_weeks"] == kept.height


def test_one_band_only_and_weeks_without_hours(tmp_path: Path) -> None:
    weeks = _athlete_weeks().filter(pl.col("adherence_band") == "low")
    no_hours = weeks.head(1).with_columns(hours_at_risk=pl.lit(0.0), cases=pl.lit(2, pl.Int64))
    got = _adjusted(tmp_path, pl.concat([weeks, no_hours]))
    assert got["high"]["not_estimable"] == "not estimable: no running hours in the high band"
    assert got["medium"]["not_estimable"] == "not estimable: no running hours in the medium band"
    assert got["high"]["cases_without_hours"] == 2
