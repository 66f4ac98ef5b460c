"""Running form of each FIT activity: its running dynamics and developer fields, summarised.

Whatever the file holds is read, found by the fields present, not by the device's brand. Each field
is summarised per activity as its median and interquartile range (p25, p75, linear interpolation)
over the records holding a value; no per-second table is kept. Summary columns and units:
- cadence_spm: steps per minute, 2 x (cadence + fractional_cadence) (FIT cadence counts strides);
- gct_ms: ground contact time (stance_time); gct_pct: its share of the step (stance_time_percent);
- gct_balance_left_pct: the left foot's share of ground contact time (stance_time_balance);
- vo_mm: vertical oscillation; vertical_ratio_pct; step_length_mm; power_w.
A zero is no measurement (a foot pod writes zeros before its first step, a watch in place of a
balance it cannot measure) and is left out, so a wrist-only run has an empty balance, never 0.
Developer fields keep their zeros (what a value means is the app's) and are named and united as
their field_description messages say; the Stryd ones named in STRYD_FIELDS also get named columns
when name and units match.
"""

from __future__ import annotations

import polars as pl

from pipelines.parsers.activity.fit_messages import DeveloperSpec
from pipelines.parsers.schemas import DeveloperField

# summary name -> the record field it needs and its value in the summary unit
_DYNAMICS: dict[str, tuple[str, pl.Expr]] = {
    "cadence_spm": (
        "cadence",
        2 * (pl.col("cadence") + pl.col("fractional_cadence").fill_null(0)),
    ),
    "gct_ms": ("stance_time", pl.col("stance_time")),
    "gct_pct": ("stance_time_percent", pl.col("stance_time_percent")),
    "gct_balance_left_pct": ("stance_time_balance", pl.col("stance_time_balance")),
    "vo_mm": ("vertical_oscillation", pl.col("vertical_oscillation")),
    "vertical_ratio_pct": ("vertical_ratio", pl.col("vertical_ratio")),
    "step_length_mm": ("step_length", pl.col("step_length")),
    "power_w": ("power", pl.col("power")),
}
# developer field name (lower case) -> its named column and the units it must be stated in
STRYD_FIELDS: dict[str, tuple[str, frozenset[str]]] = {
    "leg spring stiffness": ("leg_spring_stiffness_kn_m", frozenset({"kn/m"})),
    "form power": ("form_power_w", frozenset({"watts", "w"})),
    "ground time": ("stryd_ground_time_ms", frozenset({"milliseconds", "ms"})),
    "air power": ("air_power_w", frozenset({"watts", "w"})),
}
_STATISTICS = ("median", "p25", "p75")
# Every key `summaries` may give an activity's dynamics: each field's median, p25 and p75.
DYNAMICS_COLUMNS: tuple[str, ...] = tuple(
    f"{name}_{statistic}"
    for name in (*_DYNAMICS, *(column for column, _ in STRYD_FIELDS.values()))
    for statistic in _STATISTICS
)


def record_dynamics(records: pl.DataFrame) -> list[pl.Expr]:
    """Each record's running dynamics in the summary units, a zero as no value; only those the
    records hold (a file without them costs nothing more)."""
    return [
        pl.when(value > 0).then(value).cast(pl.Float64).alias(name)
        for name, (field, value) in _DYNAMICS.items()
        if records[field].null_count() < records.height
    ]


def _statistics(column: str) -> list[pl.Expr]:
    values = pl.col(column)
    return [
        values.count().alias(f"{column}:records"),
        values.median().alias(f"{column}:median"),
        values.quantile(0.25, "linear").alias(f"{column}:p25"),
        values.quantile(0.75, "linear").alias(f"{column}:p75"),
    ]


def _developer_field(column: str, described: DeveloperSpec, row: dict) -> DeveloperField:
    return DeveloperField(
        developer_data_index=described.developer_data_index,
        field_number=described.field_number,
        name=described.name,
        units=described.units,
        records=row[f"{column}:records"],
        median=row[f"{column}:median"],
        p25=row[f"{column}:p25"],
        p75=row[f"{column}:p75"],
    )


def _named(fields: list[DeveloperField]) -> dict[str, float]:
    """The named columns of the known Stryd developer fields among `fields` (the first of a name)."""
    named: dict[str, float] = {}
    for found in fields:
        column, units = STRYD_FIELDS.get(found.name.strip().lower(), ("", frozenset()))
        if not column or (found.units or "").strip().lower() not in units:
            continue
        values = zip(_STATISTICS, (found.median, found.p25, found.p75), strict=True)
        named = {f"{column}_{statistic}": value for statistic, value in values} | named
    return named


def summaries(
    records: pl.DataFrame, developer: dict[str, DeveloperSpec], running: set[int]
) -> dict[int, tuple[dict[str, float], list[DeveloperField]]]:
    """Per session: the running dynamics summaries (running sessions only, values present only) and
    the developer fields with a value.

    `records` holds `session`, the `record_dynamics` columns and the developer columns that
    `developer` describes; `running` lists the running sessions.
    """
    dynamics = [name for name in _DYNAMICS if running and name in records.columns]
    columns = dynamics + [column for column in developer if column in records.columns]
    if not columns:
        return {}
    rows = records.group_by("session").agg(
        [expr for column in columns for expr in _statistics(column)]
    )
    found = {}
    for row in rows.iter_rows(named=True):
        fields = [
            _developer_field(column, developer[column], row)
            for column in developer
            if row.get(f"{column}:records")
        ]
        values: dict[str, float] = {}
        if row["session"] in running:
            values = {
                f"{name}_{statistic}": row[f"{name}:{statistic}"]
                for name in dynamics
                for statistic in _STATISTICS
                if row[f"{name}:records"]
            } | _named(fields)
        found[row["session"]] = (values, fields)
    return found
