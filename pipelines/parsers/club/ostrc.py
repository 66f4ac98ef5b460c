"""club/ostrc.csv: weekly OSTRC overuse answers, each scored by its own version (ostrc_instrument).

An optional instrument_version column says which questionnaire a row answers: "2.0" (OSTRC-O2,
Clarsen et al. 2020) or "1.0" (the 2013 original); a CSV without it, or an empty cell, is "1.0", the
coding every ostrc.csv used before versions were written down. Answers may be 0-based option codes or
option texts; texts are compared ignoring case, accents, punctuation and the wording variants
("injury/illness" or "health problem" for "problems", "cannot" for "could not", "minor" for "to a
minor extent"). An answer the row's version does not have (Q2 code 4 in 2.0) is a row error. In 2.0,
Q2-Q4 may be left empty when Q1 ended the area (its first or last option). week_start is a date,
snapped to the Monday of its ISO week (the questionnaire asks about a whole week), or an ISO week
"2026-W12".

An optional area column names the body area the answer is about (a code of club/ostrc_areas.yaml); a
CSV without it, or an empty cell, answers for the whole body (area "all", the meaning before areas). An
unknown code is a row error naming the codes. The key is athlete, week and area.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import polars as pl

from pipelines.parsers.club.ostrc_areas import WHOLE_BODY, default_area_codes
from pipelines.parsers.club.ostrc_instrument import (
    INSTRUMENTS,
    LEGACY_VERSION,
    QUESTIONS,
    Instrument,
    plain,
    written_forms,
)
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

VERSION = "instrument_version"
AREA = "area"
OSTRC_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.String(),
    "week_start": pl.Date(),
    AREA: pl.String(),
    VERSION: pl.String(),
    **{q: pl.Int8() for q in QUESTIONS},
    **{f"{q}_score": pl.Int32() for q in QUESTIONS},
    "severity": pl.Int32(),
    "problem": pl.Boolean(),
    "substantial_problem": pl.Boolean(),
}
# Worked out once per row before the rules: the row's version (null when unknown) and each answer's code.
_V = "__version"


def _c(question: str) -> str:
    return f"__{question}_code"


# How a version may be written in the CSV -> the version.
_VERSION_SPELLINGS = {
    **{v: v for v in INSTRUMENTS},
    **{v.removesuffix(".0"): v for v in INSTRUMENTS},
}


def answer_key(text: pl.Expr) -> pl.Expr:
    """An answer reduced to the words that tell the options apart."""
    return (
        without_accents(text)
        .str.replace_all(r"[^a-z0-9]", "")
        .str.replace_all(
            r"injuryorillness|injuryillness|injury|illness|ahealthproblems?|healthproblems?"
            r"|problems?",
            "hp",
        )
        .str.replace_all("cannot", "couldnot")
        .str.replace(r"^toa", "")
        .str.replace(r"extent$", "")
    )


@cache
def _answer_codes(version: str, question: str) -> dict[str, int]:
    """Every accepted way to write each option of one question in one version -> its 0-based code."""
    written = pl.DataFrame(
        written_forms(version, question), schema={"text": pl.String, "code": pl.Int8}, orient="row"
    )
    keyed = written.select(answer_key(pl.col("text")).alias("key"), "code").unique()
    if clash := keyed.filter(pl.len().over("key") > 1)["key"].to_list():
        raise ValueError(f"OSTRC {version} {question}: {clash} read as more than one option")
    return dict(keyed.iter_rows())


def _version() -> pl.Expr:
    """The row's instrument version ("1.0" when not written), null when it is not one we know (-> _V)."""
    written = pl.col(VERSION).str.to_lowercase().str.strip_prefix("v")
    return (
        pl.when(pl.col(VERSION).is_null())
        .then(pl.lit(LEGACY_VERSION))
        .otherwise(written.replace_strict(_VERSION_SPELLINGS, default=None, return_dtype=pl.String))
    )


def _by_version(expr_for: Callable[[Instrument], pl.Expr]) -> pl.Expr:
    """One expression per version, chosen by the row's version (null for an unknown version)."""
    (first, *others) = INSTRUMENTS.values()
    chain = pl.when(pl.col(_V) == first.version).then(expr_for(first))
    for instrument in others:
        chain = chain.when(pl.col(_V) == instrument.version).then(expr_for(instrument))
    return chain.otherwise(None)


def _code(question: str) -> pl.Expr:
    """The answer's 0-based code in the row's version; null when empty or not an option of it (-> _c)."""
    key = answer_key(pl.col(question))
    return _by_version(
        lambda i: key.replace_strict(
            _answer_codes(i.version, question), default=None, return_dtype=pl.Int8
        )
    )


def _asks_q2_to_q4() -> pl.Expr:
    """False where the row's version has a gatekeeper and Q1 ended the area (first or last option),
    or its Q1 is unreadable (that error is enough); True otherwise."""

    def asks(instrument: Instrument) -> pl.Expr:
        if not instrument.gatekeeper:
            return pl.lit(True)
        last = len(instrument.options("q1")) - 1
        return pl.col(_c("q1")).is_not_null() & ~pl.col(_c("q1")).is_in([0, last])

    return _by_version(asks).fill_null(True)


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


def _unanswered_reason(instrument: Instrument, question: str) -> str:
    q1 = instrument.options("q1")
    return (
        f"{question} is empty: in OSTRC {instrument.version} only q1 0 = {plain(q1[0])} or "
        f"{len(q1) - 1} = {plain(q1[-1])} leaves q2-q4 unanswered"
    )


def _answer_rules() -> list[RowRule]:
    known = pl.col(_V).is_not_null()
    rules = []
    for q in QUESTIONS:
        options = _by_version(
            lambda i, q=q: pl.lit(
                "; ".join(f"{code} = {plain(text)}" for code, text in enumerate(i.options(q)))
            )
        )
        empty = pl.col(q).is_null() & known
        if q != "q1":
            empty = empty & _asks_q2_to_q4()
        rules += [
            RowRule(
                q,
                empty,
                pl.when(pl.col(_V) == LEGACY_VERSION)
                .then(pl.lit(f"{q} is empty: every row needs all four answers"))
                .otherwise(_by_version(lambda i, q=q: pl.lit(_unanswered_reason(i, q)))),
            ),
            RowRule(
                q,
                known & pl.col(q).is_not_null() & pl.col(_c(q)).is_null(),
                pl.format(
                    "{} {} is not an answer of OSTRC version {}: use {}",
                    pl.lit(q),
                    quoted(q),
                    pl.col(_V),
                    options,
                ),
            ),
        ]
    return rules


def _scores(question: str) -> pl.Expr:
    """The question's score in the row's version, after Q1's gatekeeper where the version has one."""

    def score(instrument: Instrument) -> pl.Expr:
        scores = instrument.scores(question)
        raw = pl.col(_c(question)).replace_strict(
            dict(enumerate(scores)), default=None, return_dtype=pl.Int32
        )
        if not instrument.gatekeeper or question == "q1":
            return raw
        q1 = pl.col(_c("q1"))
        return (
            pl.when(q1 == 0)
            .then(pl.lit(scores[0], pl.Int32))
            .when(q1 == len(instrument.options("q1")) - 1)
            .then(pl.lit(scores[-1], pl.Int32))
            .otherwise(raw)
        )

    return _by_version(score).alias(f"{question}_score")


def _flags() -> list[pl.Expr]:
    """problem and substantial_problem from the scores, by the row's version's rules."""

    def problem(instrument: Instrument) -> pl.Expr:
        answered = QUESTIONS if instrument.problem_from_any_answer else ("q1",)
        return pl.any_horizontal(pl.col(f"{q}_score") > 0 for q in answered)

    def substantial(instrument: Instrument) -> pl.Expr:
        return (
            (pl.col("q1_score") == max(instrument.scores("q1")))
            | (pl.col("q2_score") >= instrument.substantial_extent)
            | (pl.col("q3_score") >= instrument.substantial_extent)
        )

    return [
        _by_version(problem).alias("problem"),
        _by_version(substantial).alias("substantial_problem"),
    ]


def _area() -> pl.Expr:
    """The row's area code, trimmed and lowercased; "all" (the whole body) when not written."""
    written = pl.col(AREA).str.strip_chars().str.to_lowercase()
    return pl.when(written.is_null() | (written == "")).then(pl.lit(WHOLE_BODY)).otherwise(written)


def parse_ostrc(
    data: bytes, roster_ids: set[str], area_codes: set[str] | None = None
) -> tuple[pl.DataFrame, list[RowError]]:
    """club/ostrc.csv as ostrc_responses rows, scored; a second answer for the same athlete, week and
    area is an error. area_codes: the club's areas (ostrc_areas.yaml; the shipped ones when None)."""
    table = require_columns(
        read_csv_table(data, "ostrc.csv"),
        ("athlete_id", "week_start", *QUESTIONS),
        (VERSION, AREA),
        "ostrc.csv",
    )
    return score_answers(table, roster_ids, area_codes)


def score_answers(
    table: pl.DataFrame,
    roster_ids: set[str],
    area_codes: set[str] | None = None,
    per: tuple[str, ...] = (),
) -> tuple[pl.DataFrame, list[RowError]]:
    """Answers as text (athlete_id, week_start, area, instrument_version, q1-q4 and the row number)
    -> scored ostrc_responses rows and the row errors; the club CSV and the app's check-in share it.

    `per`: columns kept in the result, inside each of whose values one answer per week and area is
    allowed (the app's check-ins, scored many entries at once, one entry per value)."""
    areas = sorted(default_area_codes() if area_codes is None else area_codes)
    table = (
        table.with_columns(_area().alias(AREA))
        .with_columns(_version().alias(_V))
        .with_columns(_code(q).alias(_c(q)) for q in QUESTIONS)
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
        RowRule(
            VERSION,
            pl.col(_V).is_null(),
            pl.format(
                "instrument_version {} is not an OSTRC version: use {} (empty = {}, the 2013 coding)",
                quoted(VERSION),
                pl.lit(" or ".join(INSTRUMENTS)),
                pl.lit(LEGACY_VERSION),
            ),
        ),
        RowRule(
            AREA,
            ~pl.col(AREA).is_in([WHOLE_BODY, *areas]),
            pl.format(
                "area {} is not an area of club/ostrc_areas.yaml: use {} (empty = the whole body)",
                quoted(AREA),
                pl.lit(", ".join(areas)),
            ),
        ),
        *_answer_rules(),
    ]
    kept, errors = reject_broken_rows(table, rules)
    weekly = kept.with_columns(_week_start().alias("week"))
    repeat = RowRule(
        "week_start",
        pl.int_range(pl.len()).over("athlete_id", "week", AREA, *per) > 0,
        pl.when(pl.col(AREA) == WHOLE_BODY)
        .then(
            pl.format(
                "{} already answered for the week starting {} in an earlier row: keep one answer "
                "per week",
                quoted("athlete_id"),
                pl.col("week"),
            )
        )
        .otherwise(
            pl.format(
                "{} already answered about area {} for the week starting {} in an earlier row: "
                "keep one answer per week and area",
                quoted("athlete_id"),
                pl.col(AREA),
                pl.col("week"),
            )
        ),
    )
    unique, repeats = reject_broken_rows(weekly.sort(ROW), [repeat])
    scored = (
        unique.select(
            ROW,
            *per,
            "athlete_id",
            pl.col("week").alias("week_start"),
            AREA,
            _V,
            pl.col(_V).alias(VERSION),
            *[pl.col(_c(q)).alias(q) for q in QUESTIONS],
            *[_scores(q) for q in QUESTIONS],
        )
        .with_columns(severity=pl.sum_horizontal(f"{q}_score" for q in QUESTIONS))
        .with_columns(_flags())
    )
    all_errors = sorted(errors + repeats, key=lambda error: error.row_number or 0)
    return scored.select(*OSTRC_SCHEMA, *per).cast(OSTRC_SCHEMA), all_errors
