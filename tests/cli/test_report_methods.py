"""The text digest names the method of each figure it prints (pipelines.methods)."""

from __future__ import annotations

from pipelines.cli.report import format_report


def test_the_digest_names_how_adherence_and_the_injury_rate_were_made() -> None:
    digest = {
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
        "adjusted_irr_high_vs_low": None,
        "caveats": [],
        "median_session_adherence": 0.85,
        "athletes_detail": {},
    }
    text = format_report(digest)
    assert (
        "median program adherence: 85% of prescribed sessions "
        "(sessions counted of prescribed, complete weeks only)"
    ) in text
    assert (
        "1 in 8 h = 125.0 per 1000 h (95% CI 3.2 to 696.5, exact Poisson (Garwood); "
        "new cases / running hours at risk x 1000)"
    ) in text
