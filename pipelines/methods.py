"""How each figure StrongStride shows is made, declared once: the coach's Methods page lists these, and
the pages name a figure's method beside it (standard library only: the dashboard imports it too).

Sections follow the STROBE-SIIS items that apply to a club's routine data (Bahr et al. 2020, BJSM
54:372): case definitions, exposure, follow-up, analysis. `settings` name fields of
pipelines.settings.Thresholds; the page shows the values the published numbers were computed with.
Intervals name their method in the marts too (ci_method columns): the page beside a figure shows the
mart's, this declaration says why.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTIONS = {
    "case_definitions": "Case definitions",
    "exposure": "Exposure",
    "follow_up": "Follow-up",
    "analysis": "Analysis",
}


@dataclass(frozen=True)
class Method:
    """One figure: what it is, where it comes from, the settings it reads and what it cannot tell."""

    key: str
    section: str  # a key of SECTIONS
    figure: str  # the figure's name as the pages show it
    label: str  # the method in a few words, shown beside the figure
    definition: str
    source: str  # the marts it is read from and the reference it follows
    limits: str
    settings: tuple[str, ...] = ()


METHODS: tuple[Method, ...] = (
    Method(
        key="running_related_injury",
        section="case_definitions",
        figure="Running-related injury",
        label="Yamato 2015 consensus definition",
        definition="Lower-limb musculoskeletal pain that restricts or stops running for at least "
        "rri_min_days days (or 3 scheduled sessions), or that needs a health professional.",
        source="The club's injury log and members' reports classified by the coach "
        "(int_injury_cases); Yamato et al. 2015, JOSPT 45:375.",
        limits="Only injuries someone reported and classified are counted; time-loss (1 day or "
        "more) and any-complaint views are offered beside it.",
        settings=("rri_min_days",),
    ),
    Method(
        key="ostrc_problem",
        section="case_definitions",
        figure="Health problem (OSTRC-O2)",
        label="OSTRC-O2 (Clarsen 2020): problem = Q1 above 0",
        definition="Weekly questionnaire per body area about the past 7 days; a problem = any "
        "answer other than full participation without problems (Q1 > 0); substantial = could not "
        "take part (Q1 = 25) or a moderate or major reduction in training or performance (Q2 or Q3 "
        ">= 17). An athlete-week has a problem when any area has one.",
        source="Members' weekly check-ins (mart_athlete_ostrc); Clarsen et al. 2020, BJSM 54:390; "
        "scored by each answer's own questionnaire version.",
        limits="Self-reported; weeks without an answer are missing, not problem-free.",
    ),
    Method(
        key="running_hours",
        section="exposure",
        figure="Running hours at risk",
        label="moving time of running activities, injured time excluded",
        definition="Moving time (speed above moving_speed_kmh) of running activities per week; "
        "time while injured is not at risk.",
        source="Uploaded GPS and watch files (int_running_exposure).",
        limits="Runs that were not uploaded are missing from the exposure, which inflates rates.",
        settings=("moving_speed_kmh",),
    ),
    Method(
        key="session_load",
        section="exposure",
        figure="Session load",
        label="TRIMP, session RPE x minutes, or default per minute",
        definition="Each session's load, the first of: RPE stored on the watch x minutes; Banister "
        "TRIMP from heart rate (minutes x dHR x 0.64 e^(1.92 dHR) men, 0.86 e^(1.67 dHR) women and "
        "unknown sex); session RPE x minutes for strength (strength_minutes_per_set per working "
        "set); else minutes x default_load_per_minute, the TRIMP per minute of a moderate run "
        "(dHR 0.6) with the unknown-sex weighting.",
        source="int_session_load (load_method names the choice per session); Foster 2001, "
        "Banister 1991.",
        limits="TRIMP and RPE x minutes are different scales summed into one daily load: read "
        "trends within an athlete, not absolute values or comparisons between athletes.",
        settings=("default_load_per_minute", "strength_minutes_per_set"),
    ),
    Method(
        key="fitness_fatigue",
        section="exposure",
        figure="Fitness, fatigue and form (CTL, ATL, TSB)",
        label="exponentially weighted averages, time constants 42 and 7 days, from zero",
        definition="CTL_t = CTL_t-1 + (L_t - CTL_t-1) / ctl_days; ATL likewise with atl_days; "
        "form TSB_t = CTL_t-1 - ATL_t-1. Both start from zero at the member's first upload.",
        source="mart_athlete_weekly (the values on each week's last day).",
        limits="Starting from zero, fitness reads low for the first weeks (about 6 weeks to reach "
        "two thirds of a steady load); exponentially weighted, not 42- or 7-day means.",
        settings=("ctl_days", "atl_days"),
    ),
    Method(
        key="acwr",
        section="exposure",
        figure="Acute:chronic workload ratio (load spike)",
        label="EWMA ACWR (Williams 2017), seeded with the first week's mean daily load",
        definition="EWMA_t = lambda L_t + (1 - lambda) EWMA_t-1 with lambda = 2 / (N + 1), N = "
        "acwr_acute_days (acute) and acwr_chronic_days (chronic); both start from the athlete's "
        "mean daily load over the first acwr_seed_days days (rest days count as 0). Shown from "
        "acwr_min_history_days days of history; a load spike = ratio above acwr_spike.",
        source="mart_athlete_weekly, mart_at_risk; Williams et al. 2017, BJSM 51:209.",
        limits="A prompt to check in, not an injury prediction: ACWR is criticised as a predictor "
        "(Impellizzeri 2020, Lolli 2019). A member who trains once a week reads high on that day.",
        settings=(
            "acwr_acute_days",
            "acwr_chronic_days",
            "acwr_seed_days",
            "acwr_min_history_days",
            "acwr_spike",
        ),
    ),
    Method(
        key="session_adherence",
        section="exposure",
        figure="Strength-session adherence and band",
        label="sessions counted of prescribed, complete weeks only",
        definition="Weekly = min(1, counted / prescribed sessions); cumulative = sessions credited "
        "(capped per week) / prescribed, over enrolled weeks to date. The week in progress is "
        "left out until it ends. Bands: high >= adherence_high, medium >= adherence_medium, else "
        "low (Viiala 2025).",
        source="Strength logs against the program's phases (mart_adherence_weekly, "
        "mart_adherence_athlete).",
        limits="A session counts only when logged with a set from every required exercise group; "
        "sessions done but not logged read as missed.",
        settings=("adherence_high", "adherence_medium", "falling_behind_weeks"),
    ),
    Method(
        key="data_as_of",
        section="follow_up",
        figure="Data up to",
        label="the latest data date, not today",
        definition="Every 'to date' figure runs to the club's latest data date (the latest run, "
        "strength session or check-in), so a rebuild of old data gives the same numbers.",
        source="int_data_as_of.",
        limits="A club that stops uploading keeps its last week in progress.",
    ),
    Method(
        key="weekly_checkin",
        section="follow_up",
        figure="Weekly check-in response",
        label="one OSTRC-O2 answer per member and week",
        definition="The check-in opens on checkin_opens_weekday for the 7 days ending then and is "
        "on time until checkin_grace_days later; weekly prevalence divides by that week's "
        "respondents.",
        source="mart_checkin_weeks, mart_ostrc_weekly.",
        limits="Members who stop answering may differ from those who keep answering.",
        settings=("checkin_opens_weekday", "checkin_grace_days"),
    ),
    Method(
        key="incidence_rate",
        section="analysis",
        figure="Injuries per 1000 running hours",
        label="new cases / running hours at risk x 1000",
        definition="New cases / running hours at risk x 1000, with the exact Poisson (Garwood) 95% "
        "interval.",
        source="mart_injury_incidence.",
        limits="Recurrent injuries in one runner are counted as independent events.",
    ),
    Method(
        key="incidence_rate_ratio",
        section="analysis",
        figure="Injury rate ratio by adherence band",
        label="crude rate ratio, athlete-bootstrap 95% CI, observational",
        definition="Rate in a band / rate in the reference band, the band taken "
        "adherence_lag_weeks weeks before each injury (injured runners stop lifting). The main "
        "interval resamples athletes with all their weeks and injuries (percentile interval over "
        "bootstrap_replicates replicates, seed bootstrap_seed); the exact conditional interval is "
        "shown beside it and assumes independent injuries.",
        source="mart_injury_incidence (irr_cluster_ci_low/high; irr_ci_low/high exact).",
        limits="Observational: an association, not the program's effect; crude (not adjusted for "
        "volume or previous injury). Replicates without hours in a compared band are dropped; an "
        "infinite upper bound is shown as unbounded.",
        settings=("adherence_lag_weeks", "bootstrap_replicates", "bootstrap_seed"),
    ),
    Method(
        key="adjusted_rate_ratio",
        section="analysis",
        figure="Adjusted injury rate ratio by adherence band",
        label="Poisson GEE, log running hours offset, athlete-robust 95% CI, observational",
        definition="Injury counts per athlete-week with log(running hours at risk) as offset, "
        "Poisson GEE with a log link, independence working correlation and sandwich variance "
        "clustered by athlete (Wald 95% intervals); the adherence band lagged "
        "adherence_lag_weeks weeks, adjusted for a previous injury, the previous week's running "
        "km (per 10 km), and age (per 10 years) and sex when every athlete has them. Shown with "
        "its athletes, athlete-weeks and cases.",
        source="mart_injury_adjusted (int_injury_athlete_weeks).",
        limits="Observational. Needs adjusted_min_athletes athletes; a band without cases is "
        "not estimable; a previous injury or a sex with no cases in its athlete-weeks or in the "
        "others has no finite effect (separation): it is left out and named "
        "(covariates_left_out); Wald intervals can be too narrow with few athletes; cases in a week "
        "without running hours at risk cannot enter a rate model (cases_without_hours).",
        settings=("adherence_lag_weeks", "adjusted_min_athletes"),
    ),
    Method(
        key="mean_weekly_prevalence",
        section="analysis",
        figure="Members with a health problem, average week",
        label="mean of the weekly shares of respondents, athlete-bootstrap 95% CI",
        definition="Each week: respondents with a (substantial) problem / respondents; the figure "
        "is the mean over weeks. Its interval resamples athletes with all their answered weeks, "
        "because the same members answer every week (percentile interval over "
        "bootstrap_replicates replicates, seed bootstrap_seed).",
        source="mart_ostrc_weekly, mart_ostrc_summary.",
        limits="No interval with fewer than 2 athletes; weeks no drawn athlete answered are "
        "dropped from that replicate; members who stop answering may differ from those who keep "
        "answering.",
        settings=("bootstrap_replicates", "bootstrap_seed"),
    ),
)


def method(key: str) -> Method:
    """The declared method of the figure `key`."""
    return next(m for m in METHODS if m.key == key)


def by_section() -> dict[str, list[Method]]:
    """The methods grouped under their STROBE-SIIS section, in section order."""
    return {section: [m for m in METHODS if m.section == section] for section in SECTIONS}
