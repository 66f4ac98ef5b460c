"""`strongstride report`: the club digest a coach reads each Monday, from the published marts."""

from __future__ import annotations

from pathlib import Path

from pipelines.methods import method
from pipelines.settings import SQL_ROOT, Settings
from pipelines.warehouse import connect

PRIMARY_CASE_DEFINITION = "running_related_injury"
CAVEATS = (
    "Observational club data: rate ratios are associations, not the program's effect.",
    "Adherence bands are taken before each injury (lagged), because injured runners stop lifting.",
    "The same athletes run, get injured and answer the check-in week after week: the rate ratio's "
    "and the prevalence's intervals resample athletes (cluster bootstrap); the exact interval of the "
    "rate ratio assumes independent injuries and can be too narrow.",
    "The adjusted rate ratio comes from a model on athlete-weeks; a case whose week has no running "
    "hours at risk is outside it (cases_without_hours).",
)


def _query(serving: Path, name: str, params: dict | None = None) -> list[dict]:
    sql = (SQL_ROOT / "report" / f"{name}.sql").read_text()
    with connect(serving, read_only=True) as con:
        return con.sql(sql, params=params or {}).pl().to_dicts()


def club_report(settings: Settings) -> dict:
    """The digest as one dict (the `--json` shape)."""
    if not settings.serving.exists():
        raise FileNotFoundError(
            f"nothing published yet at {settings.serving}: run `strongstride ingest` first"
        )
    club = _query(settings.serving, "club_digest", {"case_definition": PRIMARY_CASE_DEFINITION})[0]
    athletes = _query(settings.serving, "athlete_digest")
    adjusted = _query(
        settings.serving, "adjusted_digest", {"case_definition": PRIMARY_CASE_DEFINITION}
    )
    prevalence = _query(settings.serving, "ostrc_digest")
    return {
        "athletes": club["athletes"],
        "runs": club["runs"],
        "running_hours": round(club["running_hours"], 1),
        "files": {k: club[k] for k in ("received", "ingested", "rejected")},
        "incidence_per_1000h": {
            "case_definition": PRIMARY_CASE_DEFINITION,
            "cases": club["cases"],
            "hours": club["hours"],
            "rate": club["rate_per_1000h"],
            "ci_low": club["ci_low"],
            "ci_high": club["ci_high"],
            "ci_method": club["rate_ci_method"],
        },
        "irr_high_vs_low": {
            "irr": club["irr"],
            "ci_low": club["irr_cluster_ci_low"],
            "ci_high": club["irr_cluster_ci_high"],
            "ci_method": club["cluster_ci_method"],
            "exact_ci": [club["irr_ci_low"], club["irr_ci_high"]],
            "exact_ci_method": club["irr_ci_method"]
            and f"{club['irr_ci_method']} (assumes independent injuries)",
            "design": "observational, crude",
        },
        "adjusted_irr_high_vs_low": adjusted[0] if adjusted else None,
        "ostrc_mean_weekly_prevalence": {row.pop("measure"): row for row in prevalence},
        "caveats": list(CAVEATS),
        "median_session_adherence": club["median_session_adherence"],
        "athletes_detail": {
            row["athlete_id"]: {
                "display_name": row["display_name"],
                "session_adherence": row["session_adherence"],
                "adherence_band": row["adherence_band"],
                "pace_trend_s_per_km_per_4wk": row["pace_trend_s_per_km_per_4wk"],
                "pace_trend_ci": [row["pace_trend_ci_low"], row["pace_trend_ci_high"]],
                "pace_trend_direction": row["pace_trend_direction"],
            }
            for row in athletes
        },
    }


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _adjusted_line(adjusted: dict | None) -> str:
    """The adjusted rate ratio in one line, or why there is none."""
    if adjusted is None:
        return "adjusted rate ratio: not computed"
    if adjusted["not_estimable"]:
        return f"adjusted rate ratio: {adjusted['not_estimable']}"
    return (
        f"adjusted rate ratio {_num(adjusted['irr'], 2)} (95% CI {_num(adjusted['ci_low'], 2)} to "
        f"{_num(adjusted['ci_high'], 2)}; {adjusted['athletes']} athletes, "
        f"{adjusted['athlete_weeks']} athlete-weeks, {adjusted['cases']} cases; adjusted for "
        f"{adjusted['adjusted_for']}; "
        + (f"{adjusted['covariates_left_out']}; " if adjusted["covariates_left_out"] else "")
        + f"{adjusted['model']})"
    )


def format_report(digest: dict) -> str:
    """The digest as plain text a coach reads without knowing the code."""
    inc, irr, files = digest["incidence_per_1000h"], digest["irr_high_vs_low"], digest["files"]
    lines = [
        "StrongStride club digest",
        f"  {digest['athletes']} athletes, {digest['runs']} runs, "
        f"{digest['running_hours']:.0f} running hours",
        f"  files: {files['received']} received, {files['ingested']} ingested, "
        f"{files['rejected']} rejected (see Data health)",
        f"  median program adherence: {_pct(digest['median_session_adherence'])} of prescribed sessions "
        f"({method('session_adherence').label})",
        f"  running-related injuries: {inc['cases']} in {_num(inc['hours'], 0)} h = "
        f"{_num(inc['rate'])} per 1000 h (95% CI {_num(inc['ci_low'])} to {_num(inc['ci_high'])}, "
        f"{inc['ci_method']}; {method('incidence_rate').label})",
        f"  high vs low adherence, crude injury rate ratio {_num(irr['irr'], 2)} "
        f"(95% CI {_num(irr['ci_low'], 2)} to {_num(irr['ci_high'], 2)}, {irr['ci_method']}); "
        "an association, not proof the program caused it",
        f"  {_adjusted_line(digest['adjusted_irr_high_vs_low'])}",
        "",
        f"  {'athlete':<24}{'adherence':>10}  {'band':<8}{'pace trend (s/km per 4 wk)':>28}  direction",
    ]
    for athlete_id, a in digest["athletes_detail"].items():
        lines.append(
            f"  {(a['display_name'] or athlete_id)[:23]:<24}{_pct(a['session_adherence']):>10}  "
            f"{a['adherence_band'] or '-':<8}{_num(a['pace_trend_s_per_km_per_4wk']):>28}  "
            f"{a['pace_trend_direction']}"
        )
    lines.append(
        "  (a negative pace trend is faster; 'improving' or 'slower' only when the 95% CI excludes 0)"
    )
    lines += ["", "  Caveats:", *(f"  - {caveat}" for caveat in digest["caveats"])]
    return "\n".join(lines)
