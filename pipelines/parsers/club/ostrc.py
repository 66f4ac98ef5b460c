"""club/ostrc.csv: weekly OSTRC-O2 answers (Clarsen et al. 2013, 2020 update), scored.

Answers may be 0-based option codes or option texts; texts are compared ignoring case, accents,
punctuation and the wording variants of the original questionnaire ("injury/illness" for "health
problem", "cannot" for "could not", "minor" for "to a minor extent"). week_start is a date, snapped
to the Monday of its ISO week (the questionnaire asks about a whole week), or an ISO week "2026-W12".
"""

from __future__ import annotations

import polars as pl

from pipelines.parsers.csv_table import (
    ROW,
    RowRule,
    as_iso_date,
    athlete_rules,
    monday_of,
    quoted,
    read_csv_table,
    reject_broken_rows,
    require_columns,
    without_accents,
)
from pipelines.parsers.schemas import RowError

QUESTIONS = ("q1", "q2", "q3", "q4")
_EXTENT = (
    "To a minor extent",
    "To a moderate extent",
    "To a major extent",
    "Cannot participate at all",
)
OPTIONS: dict[str, tuple[str, ...]] = {
    "q1": (
        "Full participation without health problems",
        "Full participation, but with a health problem",
        "Reduced participation due to a health problem",
        "Could not participate due to a health problem",
    ),
    "q2": ("No reduction", *_EXTENT),
    "q3": ("No effect", *_EXTENT),
    "q4": ("No symptoms", "To a mild extent", "To a moderate extent", "To a severe extent"),
}
# Wordings seen in the original OSTRC and in translations back to English, per question and code.
VARIANTS: dict[str, dict[int, tuple[str, ...]]] = {
    "q4": {0: ("No symptoms/health problems", "No pain")},
}
SCORES: dict[str, tuple[int, ...]] = {
    "q1": (0, 8, 17, 25),
    "q2": (0, 6, 13, 19, 25),
    "q3": (0, 6, 13, 19, 25),
    "q4": (0, 8, 17, 25),
}
OSTRC_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.String(),
    "week_start": pl.Date(),
    **{q: pl.Int8() for q in QUESTIONS},
    **{f"{q}_score": pl.Int32() for q in QUESTIONS},
    "severity": pl.Int32(),
    "problem": pl.Boolean(),
    "substantial_problem": pl.Boolean(),
}


def answer_key(text: pl.Expr) -> pl.Expr:
    """An answer reduced to the words that tell the options apart."""
    return (
        without_accents(text)
        .str.replace_all(r"[^a-z0-9]", "")
        .str.replace_all(
            r"injuryorillness|injuryillness|injury|illness|ahealthproblems?|healthproblems?", "hp"
        )
        .str.replace_all("cannot", "couldnot")
        .str.replace(r"^toa", "")
        .str.replace(r"extent$", "")
    )


def _answer_codes(question: str) -> dict[str, int]:
    """Every accepted way to write each option of one question -> its 0-based code."""
    written = [(text, code) for code, text in enumerate(OPTIONS[question])]
    written += [
        (text, code) for code, texts in VARIANTS.get(question, {}).items() for text in texts
    ]
    written += [(str(code), code) for code in range(len(OPTIONS[question]))]
    keyed = pl.DataFrame(written, schema={"text": pl.String, "code": pl.Int8}, orient="row")
    return dict(keyed.select(answer_key(pl.col("text")), "code").iter_rows())


def _code(question: str) -> pl.Expr:
    return answer_key(pl.col(question)).replace_strict(
        _answer_codes(question), default=None, return_dtype=pl.Int8
    )


def _iso_week_monday(text: pl.Expr) -> pl.Expr:
    """The Monday of an ISO week written '2026-W12' (null for other text or a week the year lacks)."""
    parts = text.str.to_uppercase().str.extract_groups(r"^(\d{4})-?W(\d{1,2})$")
    year = parts.struct.field("1").cast(pl.Int32)
    week = parts.struct.field("2").cast(pl.Int32)
    jan4 = pl.date(year, 1, 4)
    monday = jan4 - pl.duration(days=jan4.dt.weekday() - 1) + pl.duration(weeks=week - 1)
    return pl.when(week.is_between(1, 53) & (monday.dt.iso_year() == year)).then(monday)


def _week_start() -> pl.Expr:
    return pl.coalesce(monday_of(as_iso_date("week_start")), _iso_week_monday(pl.col("week_start")))


def _answer_rules() -> list[RowRule]:
    rules = []
    for q in QUESTIONS:
        options = "; ".join(f"{code} = {text}" for code, text in enumerate(OPTIONS[q]))
        rules += [
            RowRule(
                q, pl.col(q).is_null(), pl.lit(f"{q} is empty: every row needs all four answers")
            ),
            RowRule(
                q,
                pl.col(q).is_not_null() & _code(q).is_null(),
                pl.format(
                    "{} {} is not an OSTRC-O2 answer: use {}", pl.lit(q), quoted(q), pl.lit(options)
                ),
            ),
        ]
    return rules


def parse_ostrc(data: bytes, roster_ids: set[str]) -> tuple[pl.DataFrame, list[RowError]]:
    """club/ostrc.csv as ostrc_responses rows, scored; a second answer for the same athlete-week is an error."""
    table = require_columns(
        read_csv_table(data, "ostrc.csv"), ("athlete_id", "week_start", *QUESTIONS), (), "ostrc.csv"
    )
    rules = [
        *athlete_rules(roster_ids),
        RowRule(
            "week_start",
            _week_start().is_null(),
            pl.format(
                "week_start {} is neither a date (YYYY-MM-DD) nor an ISO week such as 2026-W12",
                quoted("week_start"),
            ),
        ),
        *_answer_rules(),
    ]
    kept, errors = reject_broken_rows(table, rules)
    weekly = kept.with_columns(_week_start().alias("week"))
    repeat = RowRule(
        "week_start",
        pl.int_range(pl.len()).over("athlete_id", "week") > 0,
        pl.format(
            "{} already answered for the week starting {} in an earlier row: keep one answer per week",
            quoted("athlete_id"),
            pl.col("week"),
        ),
    )
    unique, repeats = reject_broken_rows(weekly.sort(ROW), [repeat])
    codes = unique.select(
        ROW,
        "athlete_id",
        pl.col("week").alias("week_start"),
        *[_code(q).alias(q) for q in QUESTIONS],
    )
    scored = codes.with_columns(
        pl.col(q)
        .replace_strict(dict(enumerate(SCORES[q])), return_dtype=pl.Int32)
        .alias(f"{q}_score")
        for q in QUESTIONS
    ).with_columns(
        severity=pl.sum_horizontal(f"{q}_score" for q in QUESTIONS),
        problem=pl.any_horizontal(pl.col(q) > 0 for q in QUESTIONS),
        substantial_problem=(pl.col("q2") >= 2) | (pl.col("q3") >= 2) | (pl.col("q1") == 3),
    )
    all_errors = sorted(errors + repeats, key=lambda error: error.row_number or 0)
    return scored.select(list(OSTRC_SCHEMA)).cast(OSTRC_SCHEMA), all_errors
