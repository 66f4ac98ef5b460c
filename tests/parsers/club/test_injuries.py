"""The injury log: case-definition flags worked out by hand for each kind of row."""

from __future__ import annotations

import hashlib
from datetime import date

from pipelines.parsers.club.injuries import parse_injuries
from pipelines.parsers.schemas import RowError

LOG = b"""athlete_id,onset_date,body_region,side,description,modified_days,stopped_days,consulted_professional
a001,2026-03-14,knee,left,Pain below kneecap on descents,10,3,yes
a001,2026-04-14,Lower Back,,stiff after long run,5,5,yes
a002,2026-04-14,achilles,right,,4,3,no
a002,2026-05-14,Lower leg,both,shin splints,3,3,No
a002,2026-06-01,hip,left,,0,0,Y
a002,2026-06-20,foot,right,,,1,
a002,2026-06-20,foot,right,,,1,
a003,2026-06-20,elbow,up,,-1,x,maybe
"""


def test_case_definition_flags():
    injuries, _ = parse_injuries(LOG, {"a001", "a002", "a003"})
    flags = injuries.select(
        "body_region", "lower_limb", "running_related_injury", "time_loss", "any_complaint"
    ).rows()
    assert flags == [
        ("knee", True, True, True, True),  # 10 + 3 = 13 days >= 7
        ("lower_back", False, False, True, True),  # not lower limb, even with a professional
        ("achilles", True, True, True, True),  # 4 + 3 = 7 days: exactly the threshold
        ("lower_leg", True, False, True, True),  # 3 + 3 = 6 days and no professional
        ("hip", True, True, False, True),  # no days lost, but a professional consulted
        ("foot", True, False, True, True),  # empty modified_days = 0: 1 day, no professional
    ]
    assert injuries["side"].to_list() == ["left", "na", "right", "both", "left", "right"]
    assert injuries["onset_date"][0] == date(2026, 3, 14)


def test_injury_id_is_a_stable_hash_of_athlete_onset_region_and_side():
    injuries, _ = parse_injuries(LOG, {"a001", "a002", "a003"})
    expected = hashlib.sha256(b"a001|2026-03-14|knee|left").hexdigest()[:16]
    assert injuries["injury_id"][0] == expected
    assert injuries["injury_id"].n_unique() == injuries.height


def test_injury_row_errors():
    _, errors = parse_injuries(LOG, {"a001", "a002", "a003"})
    assert errors[0] == RowError(
        8,
        "onset_date",
        "the same injury (athlete, onset_date, body_region, side) is already in an earlier row",
    )
    assert [(e.row_number, e.column) for e in errors[1:]] == [
        (9, "body_region"),
        (9, "side"),
        (9, "modified_days"),
        (9, "stopped_days"),
        (9, "consulted_professional"),
    ]


def test_unknown_athlete_is_named():
    _, errors = parse_injuries(LOG, {"a001", "a002"})
    assert (
        RowError(
            9,
            "athlete_id",
            "athlete 'a003' is not in the roster: add them to club/roster.csv or correct the id",
        )
        in errors
    )
