"""club/injuries.csv: the injury log, with the case definitions of METRICS.md.

running_related_injury follows Yamato et al. 2015 (JOSPT 45:375): lower-limb pain that restricted or
stopped running for at least 7 days (modified + stopped days) or that needed a health professional.
The consensus' "3 consecutive scheduled sessions" is not in the log and so is not used.
time_loss = at least one day without running; any_complaint = every row.
"""

from __future__ import annotations

import polars as pl

from pipelines.parsers.csv_table import (
    RowRule,
    as_iso_date,
    as_number,
    athlete_rules,
    date_when_given,
    filled_in,
    quoted,
    read_csv_table,
    reject_broken_rows,
    require_columns,
    stable_ids,
    whole_number_in_range,
)
from pipelines.parsers.schemas import RowError
from pipelines.settings import Thresholds

BODY_REGIONS = {
    "hip": True,
    "groin": True,
    "thigh": True,
    "hamstring": True,
    "knee": True,
    "lower_leg": True,
    "shin": True,
    "calf": True,
    "achilles": True,
    "ankle": True,
    "foot": True,
    "lower_back": False,
    "other": False,
}  # region -> lower limb (Yamato 2015 counts lower-limb pain only)
SIDES = ("left", "right", "both", "na")
YES_NO = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}
RRI_MIN_DAYS = Thresholds().rri_min_days


def _yes_no(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .str.to_lowercase()
        .replace_strict(YES_NO, default=None, return_dtype=pl.Boolean)
    )


def parse_injuries(data: bytes, roster_ids: set[str]) -> tuple[pl.DataFrame, list[RowError]]:
    """club/injuries.csv with the case definitions (Yamato 2015 running-related injury, time loss, any)."""
    table = require_columns(
        read_csv_table(data, "injuries.csv"),
        ("athlete_id", "onset_date", "body_region"),
        ("side", "description", "modified_days", "stopped_days", "consulted_professional"),
        "injuries.csv",
    )
    table = table.with_columns(
        body_region=pl.col("body_region").str.to_lowercase().str.replace_all(r"[\s-]+", "_"),
        side=pl.col("side").str.to_lowercase().replace({"n/a": "na", "none": "na"}).fill_null("na"),
    )
    key = pl.concat_str("athlete_id", "onset_date", "body_region", "side", separator="|")
    rules = athlete_rules(roster_ids) + [
        filled_in("onset_date"),
        date_when_given("onset_date"),
        RowRule(
            "body_region",
            ~pl.col("body_region").is_in(list(BODY_REGIONS)),
            pl.format(
                "body_region {} is not one of {}",
                quoted("body_region"),
                pl.lit(", ".join(BODY_REGIONS)),
            ),
        ),
        RowRule(
            "side",
            ~pl.col("side").is_in(SIDES),
            pl.format("side {} is not left, right, both or na", quoted("side")),
        ),
        whole_number_in_range("modified_days", 0, 3650, "modified_days"),
        whole_number_in_range("stopped_days", 0, 3650, "stopped_days"),
        RowRule(
            "consulted_professional",
            pl.col("consulted_professional").is_not_null()
            & _yes_no("consulted_professional").is_null(),
            pl.format(
                "consulted_professional {} is not yes or no", quoted("consulted_professional")
            ),
        ),
        RowRule(
            "onset_date",
            key.is_duplicated() & (pl.int_range(pl.len()).over(key) > 0),
            pl.lit(
                "the same injury (athlete, onset_date, body_region, side) is already in an earlier row"
            ),
        ),
    ]
    kept, errors = reject_broken_rows(table, rules)
    injuries = kept.select(
        injury_id=stable_ids(kept.select(key).to_series()),
        athlete_id="athlete_id",
        onset_date=as_iso_date("onset_date"),
        body_region="body_region",
        side="side",
        description="description",
        modified_days=as_number("modified_days").fill_null(0).cast(pl.Int32),
        stopped_days=as_number("stopped_days").fill_null(0).cast(pl.Int32),
        consulted_professional=_yes_no("consulted_professional").fill_null(False),
    )
    return injuries.with_columns(
        lower_limb=pl.col("body_region").replace_strict(BODY_REGIONS, return_dtype=pl.Boolean),
    ).with_columns(
        running_related_injury=pl.col("lower_limb")
        & (
            (pl.col("modified_days") + pl.col("stopped_days") >= RRI_MIN_DAYS)
            | pl.col("consulted_professional")
        ),
        time_loss=pl.col("stopped_days") >= 1,
        any_complaint=pl.lit(True),
    ), errors
