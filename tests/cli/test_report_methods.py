"""The text digest names the method of each figure it prints (pipelines.methods)."""

from __future__ import annotations

from pipelines.cli.report import format_report


def _digest(adjusted: dict | None = None) -> dict:
    """A club digest (the `--json` shape) with the adjusted rate ratio given."""
    return {
        "athletes": 2,
        "runs": 10,
        "running_hours": 8.0,
        "files": {"received": 12, "ingested": 11, "rejected": 1},
        "incidence_per_1000h": {
            "case_definition": "running_related_injury",
            "cases": 1,
            "hours": 8.0,
            "rate": 125.0,
            "ci_low": 3.2,
            "ci_high": 696.5,
            "ci_method": "exact Poisson (Garwood)",
        },
        "irr_high_vs_low": {
            "irr": None,
            "ci_low": None,
            "ci_high": None,
            "ci_method": "athlete cluster bootstrap",
        },
        "adjusted_irr_high_vs_low": adjusted,
        "caveats": [],
        "median_session_adherence": 0.85,
        "athletes_detail": {},
    }


def test_the_digest_names_how_adherence_and_the_injury_rate_were_made() -> None:
    text = format_report(_digest())
    assert (
        "median program adherence: 85% of prescribed sessions "
        "(sessions counted of prescribed, complete weeks only)"
    ) in text
    assert (
        "1 in 8 h = 125.0 per 1000 h (95% CI 3.2 to 696.5, exact Poisson (Garwood); "
        "new cases / running hours at risk x 1000)"
    ) in text


def test_the_digest_names_a_covariate_the_adjusted_model_left_out() -> None:
    note = (
        "not adjusted for a previous injury because no case fell in the 13 athlete-weeks "
        "without a previous injury, so its effect cannot be estimated"
    )
    adjusted = {
        "irr": 0.5245,
        "ci_low": 0.4561,
        "ci_high": 0.6031,
        "athletes": 2000,
        "athlete_weeks": 35267,
        "cases": 969,
        "adjusted_for": "the previous week's running km (per 10 km)",
        "covariates_left_out": note,
        "model": "Poisson GEE",
        "not_estimable": None,
    }
    assert (
        "adjusted rate ratio 0.52 (95% CI 0.46 to 0.60; 2000 athletes, 35267 athlete-weeks, "
        "969 cases; adjusted for the previous week's running km (per 10 km); "
        f"{note}; Poisson GEE)"
    ) in format_report(_digest(adjusted))
