"""OSTRC answers scored against hand-computed severities and the ostRc package's worked cases.

The first tests are 2013 (1.0) CSVs without an instrument_version column, as before versions."""

from __future__ import annotations

from datetime import date

from pipelines.parsers.club.ostrc import parse_ostrc
from pipelines.parsers.club.ostrc_instrument import INSTRUMENTS, LEGACY_VERSION, QUESTIONS, plain
from pipelines.parsers.schemas import RowError

ROSTER = {"a001", "a002", "a003", "a004", "a005", "a006"}


def scored(csv: str):
    responses, errors = parse_ostrc(csv.encode(), ROSTER)
    assert errors == []
    return responses


def test_each_class_of_answer_by_codes():
    responses = scored(
        "athlete_id,week_start,q1,q2,q3,q4\n"
        "a001,2026-03-16,0,0,0,0\n"  # no problem
        "a002,2026-03-16,1,1,1,1\n"  # problem, not substantial: 8 + 6 + 6 + 8 = 28
        "a003,2026-03-16,3,1,1,0\n"  # substantial via Q1 could not participate: 25 + 6 + 6 + 0 = 37
        "a004,2026-03-16,1,2,0,1\n"  # substantial via Q2 moderate: 8 + 13 + 0 + 8 = 29
        "a005,2026-03-16,1,0,2,1\n"  # substantial via Q3 moderate: 8 + 0 + 13 + 8 = 29
        "a006,2026-03-16,3,4,4,3\n"  # the maximum: 25 + 25 + 25 + 25 = 100
    )
    assert responses.select("severity", "problem", "substantial_problem").rows() == [
        (0, False, False),
        (28, True, False),
        (37, True, True),
        (29, True, True),
        (29, True, True),
        (100, True, True),
    ]
    assert responses.select("q1_score", "q2_score", "q3_score", "q4_score").row(3) == (8, 13, 0, 8)


def test_texts_score_like_their_codes():
    by_text = scored(
        "athlete_id,week_start,q1,q2,q3,q4\n"
        "a001,2026-03-16,Full participation without health problems,No reduction,No effect,No symptoms\n"
        'a002,2026-03-16,"full participation, BUT with a health problem!",to a minor extent,minor,mild\n'
        "a003,2026-03-16,Cannot participate due to injury/illness,To a minor extent,To a minor extent,"
        "No pain\n"
        "a004,2026-03-16,Reduced participation due to a health problem,To a MODERATE extent,"
        "No effect,To a mild extent\n"
        "a005,2026-03-16,Full participation but with injury,No reduction,moderate,Moderate\n"
    )
    by_code = scored(
        "athlete_id,week_start,q1,q2,q3,q4\n"
        "a001,2026-03-16,0,0,0,0\n"
        "a002,2026-03-16,1,1,1,1\n"
        "a003,2026-03-16,3,1,1,0\n"
        "a004,2026-03-16,2,2,0,1\n"
        "a005,2026-03-16,1,0,2,2\n"
    )
    assert by_text.equals(by_code)
    # a004: 17 + 13 + 0 + 8 = 38; a005: 8 + 0 + 13 + 17 = 38.
    assert by_text["severity"].to_list() == [0, 28, 37, 38, 38]


def test_week_start_from_a_date_or_an_iso_week():
    responses = scored(
        "athlete_id,week_start,q1,q2,q3,q4\n"
        "a001,2026-03-18,0,0,0,0\n"  # a Wednesday: its Monday is 16 March
        "a002,2026-W12,0,0,0,0\n"  # ISO week 12 of 2026 starts Monday 16 March
        "a003,2026-w01,0,0,0,0\n"  # ISO week 1 of 2026 starts Monday 29 December 2025
        "a004,2026-03-16,0,0,0,0\n"
    )
    assert responses["week_start"].to_list() == [
        date(2026, 3, 16),
        date(2026, 3, 16),
        date(2025, 12, 29),
        date(2026, 3, 16),
    ]


def test_duplicate_week_unknown_athlete_and_bad_answers_are_row_errors():
    _, errors = parse_ostrc(
        b"athlete_id,week_start,q1,q2,q3,q4\n"
        b"a001,2026-03-16,0,0,0,0\n"
        b"a001,2026-W12,1,1,1,1\n"
        b"a999,2026-03-16,0,0,0,0\n"
        b"a002,2026-W54,4,maybe,,0\n",
        ROSTER,
    )
    assert errors[:2] == [
        RowError(
            3,
            "week_start",
            "'a001' already answered for the week starting 2026-03-16 in an earlier row: keep one "
            "answer per week",
        ),
        RowError(
            4,
            "athlete_id",
            "athlete 'a999' is not in the roster: add them to club/roster.csv or correct the id",
        ),
    ]
    assert [(e.row_number, e.column) for e in errors[2:]] == [
        (5, "week_start"),
        (5, "q1"),
        (5, "q2"),
        (5, "q3"),
    ]
    assert errors[5].reason == "q3 is empty: every row needs all four answers"


# --- Versions: 2.0 (OSTRC-O2) and the 2013 1.0 ------------------------------------------------------
# Worked cases from the Oslo group's R package ostRc (github.com/lenakba/ostRc, tests/testthat/), given
# there as scores; here as 0-based codes (2.0: 0/8/17/25 = codes 0-3; 1.0 Q2/Q3: 0/6/13/19/25 = 0-4).

ROSTER_10 = {f"r{i:02d}" for i in range(1, 11)}


def versioned(rows: list[str], version_column: bool = True):
    """Parse rows 'athlete,version,q1,q2,q3,q4' (or without the version) for the week of 2026-03-16."""
    header = "athlete_id,week_start,instrument_version,q1,q2,q3,q4\n"
    lines = []
    for row in rows:
        athlete, rest = row.split(",", 1)
        lines.append(f"{athlete},2026-03-16,{rest}\n")
    if not version_column:
        header = header.replace("instrument_version,", "")
    return parse_ostrc((header + "".join(lines)).encode(), ROSTER_10)


def flags(responses) -> list[tuple]:
    return responses.select("severity", "problem", "substantial_problem").rows()


def test_v2_severity_sums_the_reference_cases():
    # ostRc tests/testthat/test-calc_severity_score.R, "Sumscores are correct.":
    # q1 = c(17, 8, 8, 0), q2 = c(25, 17, 17, 0), q3 = c(25, 8, 17, 0), q4 = c(25, 8, 0, 0)
    # -> q1 + q2 + q3 + q4 = 92, 41, 42, 0.
    responses, errors = versioned(
        ["r01,2.0,2,3,3,3", "r02,2.0,1,2,1,1", "r03,2.0,1,2,2,0", "r04,2.0,0,0,0,0"]
    )
    assert errors == []
    assert responses["severity"].to_list() == [92, 41, 42, 0]
    assert responses.select("q1_score", "q2_score", "q3_score", "q4_score").rows() == [
        (17, 25, 25, 25),
        (8, 17, 8, 8),
        (8, 17, 17, 0),
        (0, 0, 0, 0),
    ]
    assert responses["instrument_version"].to_list() == ["2.0"] * 4


def test_v2_problem_is_q1_above_its_first_option():
    # ostRc tests/testthat/test-find_hp.R, "Returns 0 if Q1 equals 0, returns 1 if Q1 does not
    # equal 0.": ostrc_1 = c(0, 8, 25, 0) -> c(0, 1, 1, 0).
    responses, errors = versioned(
        ["r01,2.0,0,0,0,0", "r02,2.0,1,0,0,0", "r03,2.0,3,0,0,0", "r04,2.0,0,,,"]
    )
    assert errors == []
    assert responses["problem"].to_list() == [False, True, True, False]


def test_v2_substantial_from_q2_or_q3_at_17_or_more():
    # ostRc tests/testthat/test-find_hp_substantial.R, "Returns 1 for substantial if EITHER of the
    # given variables has a score of 17 or more.": ostrc_2 = c(0, 0, 0, 25), ostrc_3 = c(0, 0, 17, 0)
    # -> c(0, 0, 1, 1). The package's case has Q1 = 0 on every row; in 2.0 Q1 = 0 ends the area
    # (METRICS.md), so the Q2/Q3 rule is shown with Q1 = 8 here, and the literal case below.
    responses, errors = versioned(
        ["r01,2.0,1,0,0,0", "r02,2.0,1,0,0,0", "r03,2.0,1,0,2,0", "r04,2.0,1,3,0,0"]
    )
    assert errors == []
    assert responses["substantial_problem"].to_list() == [False, False, True, True]


def test_v2_gatekeeper_q1_full_participation_ends_the_area_at_zero():
    # The package's literal find_hp_substantial case (Q1 = 0 with Q2 = 25 or Q3 = 17) gives 1: its
    # function looks at Q2/Q3 whatever Q1 says. METRICS.md's 2.0 gatekeeper ends the area at Q1 = 0
    # (Q2-Q4 are not asked), so such rows score 0 with no problem; the answers written are kept.
    responses, errors = versioned(["r01,2.0,0,0,2,0", "r02,2.0,0,3,0,0", "r03,2.0,0,3,3,3"])
    assert errors == []
    assert flags(responses) == [(0, False, False)] * 3
    assert responses.select("q2", "q3", "q4").row(2) == (3, 3, 3)
    assert responses.select("q2_score", "q3_score", "q4_score").row(2) == (0, 0, 0)


def test_v2_gatekeeper_q1_could_not_participate_takes_q2_to_q4_at_25():
    responses, errors = versioned(
        [
            "r01,2.0,3,0,0,0",  # 25 + 25 + 25 + 25 whatever Q2-Q4 say
            "r02,2.0,3,,,",  # Q2-Q4 not asked
            "r03,2.0,Could not participate due to problems,,,",
        ]
    )
    assert errors == []
    assert flags(responses) == [(100, True, True)] * 3
    assert responses.select("q2_score", "q3_score", "q4_score").row(1) == (25, 25, 25)
    assert responses.select("q2", "q3", "q4").row(1) == (None, None, None)


def test_v2_empty_answer_when_q1_does_not_end_the_area_is_an_error():
    # ostRc tests/testthat/test-calc_severity_score.R, "Returns a value of NA if one ore more
    # responses are missing.": q4_na = c(25, 8, 0, NA) -> c(92, 41, 42, NA); its NA is case 4, where
    # Q1 = 0. In 2.0 Q1 = 0 ends the area, so a missing Q4 there is not asked and scores 0 (r02); a
    # missing Q4 after a Q1 that does not end the area is a row error (r01, Q1 = 17).
    responses, errors = versioned(["r01,2.0,2,3,3,", "r02,2.0,0,0,0,"])
    assert flags(responses) == [(0, False, False)]
    assert errors == [
        RowError(
            2,
            "q4",
            "q4 is empty: in OSTRC 2.0 only q1 0 = Full participation without problems or "
            "3 = Could not participate due to problems leaves q2-q4 unanswered",
        )
    ]


def test_substantial_boundaries_by_version():
    responses, errors = versioned(
        [
            "r01,2.0,1,1,1,3",  # Q2, Q3 = 8: not substantial; 8 + 8 + 8 + 25 = 49
            "r02,2.0,1,2,0,0",  # Q2 = 17: substantial
            "r03,2.0,1,0,2,0",  # Q3 = 17: substantial
            "r04,2.0,2,1,1,3",  # Q1 = 17 (reduced participation) alone: not; 17 + 8 + 8 + 25 = 58
            "r05,1.0,1,1,1,3",  # 1.0 Q2, Q3 = 6: not substantial; 8 + 6 + 6 + 25 = 45
            "r06,1.0,1,2,0,0",  # 1.0 Q2 = 13: substantial; 8 + 13 = 21
            "r07,1.0,1,0,2,0",  # 1.0 Q3 = 13: substantial
            "r08,1.0,2,1,1,3",  # 1.0 Q1 = 17 alone: not; 17 + 6 + 6 + 25 = 54
        ]
    )
    assert errors == []
    assert flags(responses) == [
        (49, True, False),
        (25, True, True),
        (25, True, True),
        (58, True, False),
        (45, True, False),
        (21, True, True),
        (21, True, True),
        (54, True, False),
    ]


def test_v1_reference_case_substantial():
    # ostRc tests/testthat/test-find_hp_substantial.R, "Finds substantial health problems for the
    # 1.0 version of the questionnaire.": ostrc_1 = c(0, 0, 0, 0), ostrc_2 = c(0, 0, 0, 19),
    # ostrc_3 = c(0, 0, 13, 0) -> c(0, 0, 1, 1). 1.0 has no gatekeeper, so the literal case holds.
    responses, errors = versioned(
        ["r01,1.0,0,0,0,0", "r02,1.0,0,0,0,0", "r03,1.0,0,0,2,0", "r04,1.0,0,3,0,0"]
    )
    assert errors == []
    assert responses["substantial_problem"].to_list() == [False, False, True, True]
    # 0 + 0 + 13 + 0 and 0 + 19 + 0 + 0; as before versions, any answer above 0 is a problem.
    assert responses["severity"].to_list() == [0, 0, 13, 19]
    assert responses["problem"].to_list() == [False, False, True, True]


def test_mixed_versions_in_one_csv_score_each_row_by_its_own():
    responses, errors = versioned(
        [
            "r01,2.0,1,2,2,1",  # 8 + 17 + 17 + 8 = 50
            "r02,1.0,1,2,2,1",  # 8 + 13 + 13 + 8 = 42
            "r03,,1,2,2,1",  # empty: 1.0
            "r04,2,1,3,3,1",  # "2" is 2.0: 8 + 25 + 25 + 8 = 66
            "r05,1,1,4,4,1",  # "1" is 1.0: 8 + 25 + 25 + 8 = 66
            "r06,2.0,0,0,0,1",  # 2.0 gatekeeper: 0, no problem
            "r07,1.0,0,0,0,1",  # 1.0: 8, a problem (any answer above its first option)
        ]
    )
    assert errors == []
    assert responses["instrument_version"].to_list() == [
        "2.0",
        "1.0",
        "1.0",
        "2.0",
        "1.0",
        "2.0",
        "1.0",
    ]
    assert flags(responses) == [
        (50, True, True),
        (42, True, True),
        (42, True, True),
        (66, True, True),
        (66, True, True),
        (0, False, False),
        (8, True, False),
    ]


def test_a_csv_without_instrument_version_is_the_2013_coding():
    without, errors = versioned(["r01,3,4,4,3", "r02,1,1,1,1"], version_column=False)
    assert errors == []
    assert without["instrument_version"].to_list() == ["1.0", "1.0"]
    assert flags(without) == [(100, True, True), (28, True, False)]
    written, _ = versioned(["r01,1.0,3,4,4,3", "r02,1.0,1,1,1,1"])
    assert without.equals(written)


def test_codes_a_version_does_not_have_are_row_errors():
    responses, errors = versioned(
        [
            "r01,2.0,1,4,0,0",  # Q2 code 4 exists only in 1.0
            "r02,2.0,1,0,Cannot participate at all,0",
            "r03,1.0,1,4,4,0",  # fine in 1.0
            "r04,2.0,4,0,0,0",  # no Q1 code 4 in either version
            "r05,3.0,1,0,0,0",
        ]
    )
    assert responses["athlete_id"].to_list() == ["r03"]
    two = "0 = No modification; 1 = To a minor extent; 2 = To a moderate extent; 3 = To a major extent"
    assert errors == [
        RowError(2, "q2", f"q2 '4' is not an answer of OSTRC version 2.0: use {two}"),
        RowError(
            3,
            "q3",
            "q3 'Cannot participate at all' is not an answer of OSTRC version 2.0: use 0 = No "
            "effect; 1 = To a minor extent; 2 = To a moderate extent; 3 = To a major extent",
        ),
        RowError(
            5,
            "q1",
            "q1 '4' is not an answer of OSTRC version 2.0: use 0 = Full participation without "
            "problems; 1 = Full participation, but with problems; 2 = Reduced participation due "
            "to problems; 3 = Could not participate due to problems",
        ),
        RowError(
            6,
            "instrument_version",
            "instrument_version '3.0' is not an OSTRC version: use 2.0 or 1.0 (empty = 1.0, the "
            "2013 coding)",
        ),
    ]


def test_every_option_text_of_each_version_reads_as_its_code():
    for version, instrument in INSTRUMENTS.items():
        count = max(len(instrument.options(q)) for q in QUESTIONS)
        rows = []
        for code in range(count):
            cells = []
            for q in QUESTIONS:
                options = instrument.options(q)
                cells.append(f'"{plain(options[min(code, len(options) - 1)])}"')
            rows.append(f"r{code + 1:02d},{version}," + ",".join(cells))
        by_text, errors = versioned(rows)
        assert errors == [], version
        for q in QUESTIONS:
            last = len(instrument.options(q)) - 1
            assert by_text[q].to_list() == [min(c, last) for c in range(count)], (version, q)


def test_the_versions_options_and_scores():
    two, one = INSTRUMENTS["2.0"], INSTRUMENTS["1.0"]
    assert [two.scores(q) for q in QUESTIONS] == [(0, 8, 17, 25)] * 4
    assert [len(two.options(q)) for q in QUESTIONS] == [4] * 4
    assert [one.scores(q) for q in QUESTIONS] == [
        (0, 8, 17, 25),
        (0, 6, 13, 19, 25),
        (0, 6, 13, 19, 25),
        (0, 8, 17, 25),
    ]
    assert one.options("q2")[4] == one.options("q3")[4] == "Cannot participate at all"
    assert LEGACY_VERSION == "1.0"


def test_area_column_gives_the_body_area_and_empty_means_the_whole_body():
    responses = scored(
        "athlete_id,week_start,area,instrument_version,q1,q2,q3,q4\n"
        "a001,2026-03-16,knee,2.0,1,1,1,1\n"
        "a001,2026-03-16, Lower_Leg ,2.0,0,,,\n"  # trimmed, any case
        "a002,2026-03-16,,2.0,0,,,\n"
    )
    assert responses.select("athlete_id", "area", "severity").rows() == [
        ("a001", "knee", 8 + 8 + 8 + 8),
        ("a001", "lower_leg", 0),
        ("a002", "all", 0),
    ]


def test_without_an_area_column_every_answer_is_for_the_whole_body():
    responses = scored("athlete_id,week_start,q1,q2,q3,q4\na001,2026-03-16,0,0,0,0\n")
    assert responses["area"].to_list() == ["all"]


def test_unknown_area_and_repeated_area_are_row_errors():
    responses, errors = parse_ostrc(
        b"athlete_id,week_start,area,q1,q2,q3,q4\n"
        b"a001,2026-03-16,knee,1,1,1,1\n"
        b"a001,2026-03-16,elbow,1,1,1,1\n"
        b"a001,2026-03-16,KNEE,0,0,0,0\n"
        b"a001,2026-03-16,calf,0,0,0,0\n",  # not an area of this club's file
        ROSTER,
        {"knee", "thigh"},
    )
    assert responses["area"].to_list() == ["knee"]
    assert errors == [
        RowError(
            3,
            "area",
            "area 'elbow' is not an area of club/ostrc_areas.yaml: use knee, thigh "
            "(empty = the whole body)",
        ),
        RowError(
            4,
            "week_start",
            "'a001' already answered about area knee for the week starting 2026-03-16 in an "
            "earlier row: keep one answer per week and area",
        ),
        RowError(
            5,
            "area",
            "area 'calf' is not an area of club/ostrc_areas.yaml: use knee, thigh "
            "(empty = the whole body)",
        ),
    ]


def test_the_default_areas_are_accepted():
    responses, errors = parse_ostrc(
        b"athlete_id,week_start,area,q1,q2,q3,q4\n"
        + b"".join(
            f"a001,2026-03-16,{a},0,0,0,0\n".encode()
            for a in ("hip_groin", "thigh", "knee", "lower_leg", "ankle_foot", "lower_back")
        ),
        ROSTER,
    )
    assert errors == [] and responses.height == 6
