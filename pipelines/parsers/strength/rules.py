"""The rules a logged set must keep to load: a roster athlete, a readable start, a set, and plausible
reps, load (at most 500 kg), RPE and time. Each broken rule rejects the row with a reason."""

from __future__ import annotations

import polars as pl

from pipelines.parsers.csv_table import (
    RowRule,
    as_iso_date,
    as_number,
    is_unknown_athlete,
    not_a_number,
    quoted,
    unknown_athlete_reason,
)
from pipelines.parsers.strength.formats import StrengthLayout

MAX_LOAD_KG = 500
MAX_REPS = 200
MAX_RPE = 10
MAX_SET_SECONDS = 86_400


def _athlete_rules(
    layout: StrengthLayout, folder: str | None, roster: set[str] | None
) -> list[RowRule]:
    """Club rows must name a roster athlete, and the inbox folder's athlete when it has one."""
    if layout.format != "club":
        return []
    rules = [
        RowRule(
            "athlete_id",
            pl.col("athlete_id").is_null(),
            pl.lit(
                "athlete_id is empty: a file outside an athlete's inbox folder must name the "
                "athlete on every row"
            ),
        )
    ]
    if folder is not None:
        rules.append(
            RowRule(
                "athlete_id",
                pl.col("athlete_given").is_not_null() & (pl.col("athlete_given") != folder),
                pl.format(
                    "athlete_id {} does not match the inbox folder '{}': move the row to that "
                    "athlete's file or correct the id",
                    quoted("athlete_given"),
                    pl.lit(folder),
                ),
            )
        )
    if roster is not None:
        rules.append(
            RowRule(
                "athlete_id",
                is_unknown_athlete("athlete_given", roster),
                unknown_athlete_reason("athlete_given"),
            )
        )
    return rules


def _time_rules(layout: StrengthLayout) -> list[RowRule]:
    """The session's start must be readable."""
    if layout.format == "club":
        bad_date = as_iso_date("date").is_null()
        return [
            RowRule(
                "date",
                bad_date,
                pl.format("date {} is not a date: write YYYY-MM-DD", quoted("date")),
            ),
            RowRule(
                "time",
                ~bad_date & pl.col("start_local").is_null(),
                pl.format("time {} is not a time: write HH:MM, e.g. 18:30", quoted("time")),
            ),
        ]
    example = "2021-02-10 16:46:13" if layout.format == "strong" else "30 Jun 2025, 19:56"
    return [
        RowRule(
            layout.label("start_time" if layout.format == "hevy" else "date"),
            pl.col("start_local").is_null(),
            pl.format("{} is not a date and time like {}", quoted("start_text"), pl.lit(example)),
        )
    ]


def _is_whole_number(column: str, lowest: int) -> pl.Expr:
    """True where a text column holds a whole number no lower than `lowest`."""
    value = as_number(column)
    return (((value % 1) == 0) & (value >= lowest)).fill_null(False)


def _set_rules(layout: StrengthLayout) -> list[RowRule]:
    """The set must be identifiable as a set of some kind."""
    if layout.format == "strong":
        return [
            RowRule(
                layout.label("set_order"),
                pl.col("set_type").is_null(),
                pl.format("set order {} is not a set number, or W, D or F", quoted("set_order")),
            )
        ]
    if layout.format == "hevy":
        return [
            RowRule(
                "set_index",
                ~_is_whole_number("set_index", 0),
                pl.format("set_index {} is not a whole number from 0", quoted("set_index")),
            ),
            RowRule(
                "set_type",
                pl.col("set_type").is_null(),
                pl.format(
                    "set_type {} is not normal, warmup, dropset or failure", quoted("set_type")
                ),
            ),
        ]
    return [
        RowRule(
            "set",
            pl.col("set").is_not_null() & ~_is_whole_number("set", 1),
            pl.format("set {} is not a set number 1, 2, 3 ... (or leave it empty)", quoted("set")),
        )
    ]


def _unit_rules(layout: StrengthLayout) -> list[RowRule]:
    """A club row says its load's unit; body weight has no load."""
    if layout.format != "club":
        return []
    return [
        RowRule(
            "unit",
            pl.col("unit").is_not_null() & pl.col("load_unit").is_null(),
            pl.format("unit {} is not kg, lb or bw", quoted("unit")),
        ),
        RowRule(
            "unit",
            pl.col("unit").is_null() & pl.col("load_value").is_not_null(),
            pl.lit("unit is empty but a load is given: write kg or lb"),
        ),
        RowRule(
            "load",
            (pl.col("load_unit") == "bw") & pl.col("load_value").is_not_null(),
            pl.lit(
                "unit bw means body weight with no load: empty the load, or write its unit kg or lb"
            ),
        ),
    ]


def _number_rules(
    column: str, text: str, value: str, what: str, high: int | None = None
) -> list[RowRule]:
    """A number column must hold a number from 0 (to a plausible maximum, when one is given)."""
    rules = [
        RowRule(
            column,
            not_a_number(text),
            pl.format("{} {} is not a number", pl.lit(what), quoted(text)),
        ),
        RowRule(
            column, pl.col(value) < 0, pl.format("{} {} is negative", pl.lit(what), quoted(text))
        ),
    ]
    if high is not None:
        rules.append(
            RowRule(
                column,
                pl.col(value) > high,
                pl.format(
                    "{} {} is above {}: check the number", pl.lit(what), quoted(text), pl.lit(high)
                ),
            )
        )
    return rules


def _content_rules(layout: StrengthLayout) -> list[RowRule]:
    """Every set names an exercise and holds plausible reps, load, RPE and time."""
    weight = "load" if layout.format == "club" else "weight"
    return [
        RowRule(
            layout.label("exercise"),
            pl.col("exercise_logged").is_null(),
            pl.lit("no exercise name: name the exercise or delete the row"),
        ),
        *_number_rules(layout.label("reps"), "reps", "reps_value", "reps", MAX_REPS),
        *_number_rules(layout.label(weight), weight, "load_value", "load"),
        RowRule(
            layout.label(weight),
            pl.col("load_kg") > MAX_LOAD_KG,
            pl.format(
                "load {} {} ({} kg) is above {} kg: check the number and its unit",
                quoted(weight),
                pl.col("load_unit"),
                pl.col("load_kg").round(0).cast(pl.Int64),
                pl.lit(MAX_LOAD_KG),
            ),
        ),
        *_number_rules(layout.label("rpe"), "rpe", "rpe_value", "RPE", MAX_RPE),
        *_number_rules(
            layout.label("seconds"), "seconds", "seconds_value", "time in seconds", MAX_SET_SECONDS
        ),
        RowRule(
            layout.label("reps"),
            pl.col("reps_value").is_null() & pl.col("duration_s").is_null() & ~not_a_number("reps"),
            pl.lit("the set has no reps and no time: fill one in or delete the row"),
        ),
    ]


def strength_rules(
    layout: StrengthLayout, folder: str | None, roster: set[str] | None
) -> list[RowRule]:
    """Every rule a set from this layout must keep; `folder` is the inbox folder's athlete, if any."""
    return (
        _athlete_rules(layout, folder, roster)
        + _time_rules(layout)
        + _set_rules(layout)
        + _unit_rules(layout)
        + _content_rules(layout)
    )
