"""The exercise catalog: app names map to canonical exercises; a broken catalog names its problems."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.parsers.club.exercise_catalog import ExerciseCatalog
from pipelines.parsers.schemas import ParseError


@pytest.fixture(scope="module")
def catalog() -> ExerciseCatalog:
    return ExerciseCatalog.default()


@pytest.mark.parametrize(
    ("logged", "exercise_id", "categories"),
    [
        ("Hip Thrust (Barbell)", "hip_thrust", ("glute_max",)),
        ("Romanian Deadlift (Dumbbell)", "romanian_deadlift", ("glute_max",)),
        ("Romanian Deadlift (Barbell)", "romanian_deadlift", ("glute_max",)),
        ("Deadlift (Barbell)", "deadlift", ("glute_max",)),
        ("Side Lying Leg Raise", "side_lying_leg_raise", ("glute_med_min",)),
        ("Clamshell", "clamshell", ("glute_med_min",)),
        ("Bulgarian Split Squat", "bulgarian_split_squat", ("single_leg",)),
        ("Single Leg Deadlift", "single_leg_deadlift", ("single_leg", "glute_max")),
        ("Step Up", "step_up", ("single_leg",)),
        ("Calf Raise", "calf_raise", ("foot_ankle",)),
        ("Glute Bridge", "glute_bridge", ("glute_max",)),
        ("Lunge", "lunge", ("single_leg",)),
        ("Plank", "plank", ("core_mobility",)),
        ("Side Plank", "side_plank", ("core_mobility",)),
        ("Dead Bug", "dead_bug", ("core_mobility",)),
        ("Squat (Barbell)", "squat", ("other",)),
        ("Leg Press", "leg_press", ("other",)),
        ("Kettlebell Swing", "kettlebell_swing", ("glute_max",)),
        ("Hip Abduction (Machine)", "hip_abduction", ("glute_med_min",)),
        ("Monster Walk", "monster_walk", ("glute_med_min",)),
        ("Fire Hydrant", "fire_hydrant", ("glute_med_min",)),
        ("Back Extension", "back_extension", ("glute_max",)),
        ("Hip Flexor Stretch", "hip_flexor_stretch", ("core_mobility",)),
        ("Short Foot", "short_foot", ("foot_ankle",)),
        ("Single Leg Balance", "single_leg_balance", ("foot_ankle",)),
        ("Bench Press (Barbell)", "bench_press", ("other",)),
        ("Pull Up", "pull_up", ("other",)),
    ],
)
def test_common_app_names_map(catalog, logged, exercise_id, categories):
    entry = catalog.match(logged)
    assert entry is not None, f"{logged!r} did not map"
    assert (entry.exercise_id, entry.categories) == (exercise_id, categories)


@pytest.mark.parametrize(
    ("logged", "exercise_id"),
    [
        ("hip thrusts", "hip_thrust"),  # case and plural
        ("Barbell Hip-Thrust", "hip_thrust"),  # equipment word in front, hyphen
        ("STEP-UPS (Dumbbell)", "step_up"),
        ("Pull-ups (Band)", "pull_up"),
        ("Single-Leg RDL", "single_leg_deadlift"),
        ("Side Plank with Abduction", "side_plank_abduction"),
        ("Hüftstoßen", "hip_thrust"),  # German alias, accents kept in the alias
        ("Hufstossen", None),  # but a different spelling is not guessed
        ("Lat pulldown (V-grip)", "lat_pulldown"),  # bracketed part dropped as a fallback
        ("Bent Over Row Machine (Panatta)", "row"),
        ("Leg Press Technogym (Gelb)", None),  # a gym's own name stays unmapped
        ("Morning jog", None),
    ],
)
def test_matching_ignores_case_punctuation_and_equipment(catalog, logged, exercise_id):
    entry = catalog.match(logged)
    assert (entry.exercise_id if entry else None) == exercise_id


def test_metrics_glute_category_examples_are_in_the_catalog(catalog):
    # METRICS.md "Glute exercise categories": every example named there maps to its category.
    examples = {
        "glute_med_min": ["clamshell", "side-lying leg raise", "hip abduction", "monster walk", "band walk",
                          "fire hydrant", "side plank with abduction"],
        "glute_max": ["hip thrust", "glute bridge", "Romanian deadlift", "conventional deadlift",
                      "kettlebell swing", "hip extension"],
        "single_leg": ["single-leg squat", "single-leg deadlift", "step-up", "Bulgarian split squat",
                       "lunge"],
        "foot_ankle": ["calf raise", "bent knee calf raise", "short-foot", "single-leg balance"],
        "core_mobility": ["plank", "side plank", "dead bug", "hip-flexor stretch"],
    }  # fmt: skip
    for category, names in examples.items():
        for name in names:
            entry = catalog.match(name)
            assert entry is not None and category in entry.categories, name


def test_annotate_keeps_unmapped_names_with_empty_categories(catalog):
    logged = pl.DataFrame({"exercise_logged": ["Clamshell", "Mystery Move", "Clamshell"]})
    annotated = catalog.annotate(logged)
    assert annotated["exercise_logged"].to_list() == ["Clamshell", "Mystery Move", "Clamshell"]
    assert annotated["exercise_id"].to_list() == ["clamshell", None, "clamshell"]
    assert annotated["categories"].to_list() == [["glute_med_min"], [], ["glute_med_min"]]
    assert annotated["laterality"].to_list() == ["unilateral", None, "unilateral"]


SMALL = b"""
exercises:
  - id: hip_thrust
    name: Hip thrust
    equipment: [barbell, machine]
    categories: [glute_max]
    aliases: [Barbell Hip Thrust]
  - id: clamshell
    name: Clamshell
    equipment: band
    laterality: unilateral
    categories: [glute_med_min]
"""


def test_to_frame_is_the_exercise_catalog_table():
    frame = ExerciseCatalog.load(SMALL).to_frame()
    assert frame.to_dicts() == [
        {
            "exercise_id": "hip_thrust",
            "name": "Hip thrust",
            "equipment": "barbell, machine",
            "laterality": "bilateral",
            "categories": ["glute_max"],
            "aliases": ["Barbell Hip Thrust"],
            "progress": "load",
        },
        {
            "exercise_id": "clamshell",
            "name": "Clamshell",
            "equipment": "band",
            "laterality": "unilateral",
            "categories": ["glute_med_min"],
            "aliases": [],
            "progress": "reps",
        },
    ]


def test_default_catalog_table_has_one_row_per_exercise(catalog):
    frame = catalog.to_frame()
    assert frame.height == len(catalog.entries)
    assert frame["exercise_id"].n_unique() == frame.height


def test_unknown_category_is_named():
    bad = SMALL.replace(b"categories: [glute_max]", b"categories: [glutes, glute_max]")
    with pytest.raises(ParseError, match="exercise 'hip_thrust' has unknown category glutes"):
        ExerciseCatalog.load(bad)


def test_alias_shared_by_two_exercises_is_named():
    bad = SMALL + b"    aliases: [Barbell Hip Thrust (Machine)]\n"
    with pytest.raises(ParseError) as raised:
        ExerciseCatalog.load(bad)
    assert "is used by several exercises (clamshell, hip_thrust)" in raised.value.reason
    assert "'Barbell Hip Thrust (Machine)'" in raised.value.reason


def test_other_catalog_problems_are_all_listed():
    bad = b"""
exercises:
  - id: Hip Thrust
    name: Hip thrust
    laterality: both
    categories: [glute_max]
  - id: clamshell
    name: Clamshell
    categories: [glute_med_min]
    aliases: [(Band)]
  - id: clamshell
    name: Clam
    categories: [other]
"""
    with pytest.raises(ParseError) as raised:
        ExerciseCatalog.load(bad)
    reason = raised.value.reason
    assert reason.startswith("exercises.yaml has 4 problems")
    assert "needs an id of lowercase letters" in reason
    assert "laterality 'both'" in reason
    assert "id 'clamshell' is used twice" in reason
    assert "alias '(Band)' of 'clamshell' is only equipment words" in reason


def test_unreadable_catalog_files_raise():
    with pytest.raises(ParseError, match="not readable YAML"):
        ExerciseCatalog.load(b"exercises: [unclosed")
    with pytest.raises(ParseError, match="no 'exercises:' list"):
        ExerciseCatalog.load(b"programs: []")


def test_progress_measure_follows_usual_equipment_unless_declared():
    # clamshell's usual equipment is a band (reps x band level), hip thrust's a barbell (estimated
    # 1RM); the plank is declared a timed hold in the shipped catalogue.
    catalog = ExerciseCatalog.default()
    progress = {e.exercise_id: e.progress for e in catalog.entries}
    assert progress["clamshell"] == "reps" and progress["side_lying_leg_raise"] == "reps"
    assert progress["monster_walk"] == "reps" and progress["hip_thrust"] == "load"
    assert progress["plank"] == "hold" and progress["side_plank"] == "hold"
    bad = SMALL.replace(b"categories: [glute_max]", b"categories: [glute_max]\n    progress: 1rm")
    with pytest.raises(ParseError, match="progress '1rm': use load, reps, hold"):
        ExerciseCatalog.load(bad)


def test_band_colours_map_to_levels_from_notes_and_names():
    bands = ExerciseCatalog.default().bands
    texts = pl.DataFrame(
        {"text": ["Clamshell (Red Band)", "grün", "Blue-band walk", "redo", "no band today", None]}
    )
    got = texts.with_columns(colour=bands.colour(pl.col("text"))).with_columns(
        level=bands.level(pl.col("colour"))
    )
    assert got["colour"].to_list() == ["red", "green", "blue", None, "none", None]
    # A text naming no band takes the level of 'none' (body weight alone): 1.
    assert got["level"].to_list() == [3.0, 4.0, 5.0, 1.0, 1.0, 1.0]


def test_band_section_problems_are_listed():
    bad = (
        SMALL
        + b"""
bands:
  - colour: yellow
    level: 0
  - colour: red
    level: 2
    aliases: [yellow]
    stretch: high
"""
    )
    with pytest.raises(ParseError) as raised:
        ExerciseCatalog.load(bad)
    reason = raised.value.reason
    assert "band 'yellow' needs a level" in reason
    assert "band 'red' has an unknown key 'stretch'" in reason
    assert "bands need the colour 'none'" in reason


def test_band_word_shared_by_two_colours_is_named():
    bad = (
        SMALL
        + b"""
bands:
  - {colour: none, level: 1}
  - {colour: yellow, level: 2, aliases: [gelb]}
  - {colour: red, level: 3, aliases: [Gelb]}
"""
    )
    with pytest.raises(ParseError, match="band word 'gelb' names more than one colour"):
        ExerciseCatalog.load(bad)


def test_catalog_without_bands_uses_the_shipped_levels():
    assert ExerciseCatalog.load(SMALL).bands == ExerciseCatalog.default().bands
