"""The club's exercise catalog (club/exercises.yaml): canonical exercises, their categories and aliases.

A logged name maps to an exercise when, ignoring case, accents, punctuation, plural 's' and equipment
words ("Barbell", "Dumbbell", "Machine", ...), it equals one of the exercise's aliases, its name or its
id. Failing that, the name without its bracketed parts is tried ("Lat Pulldown (V-grip)" -> lat
pulldown). A name that matches nothing stays unmapped and is listed for the coach; it is never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files

import polars as pl
import yaml

from pipelines.parsers.club.band_levels import BandLevels
from pipelines.parsers.club.yaml_files import raise_problems, used_twice, yaml_list
from pipelines.parsers.csv_table import without_accents

CATEGORIES = ("glute_med_min", "glute_max", "single_leg", "foot_ankle", "core_mobility", "other")
LATERALITIES = ("bilateral", "unilateral")
# How an exercise's progress is measured (METRICS.md, strength progression): load = estimated 1RM,
# reps = reps x band level (body-weight and band exercises), hold = hold seconds (timed holds).
PROGRESS_KINDS = ("load", "reps", "hold")
UNLOADED_EQUIPMENT = ("bodyweight", "band")
EQUIPMENT_WORDS = (
    r"smith machine|resistance bands?|plate loaded|body ?weight|ez ?bar|trap bar|"
    r"barbells?|dumbbells?|kettlebells?|machines?|cables?|bands?|smith|weighted|db|bb|kb|bw"
)
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
CATALOG_SCHEMA: dict[str, pl.DataType] = {
    "exercise_id": pl.String(),
    "name": pl.String(),
    "equipment": pl.String(),
    "laterality": pl.String(),
    "categories": pl.List(pl.String),
    "aliases": pl.List(pl.String),
    "progress": pl.String(),
}


def default_catalog_yaml() -> bytes:
    """The catalog shipped with StrongStride, copied to club/exercises.yaml on first run."""
    return (files("pipelines") / "club_defaults" / "exercises.yaml").read_bytes()


def _plain_words(name: pl.Expr) -> pl.Expr:
    """Lowercase words without accents or punctuation."""
    return without_accents(name).str.replace_all(r"[^\p{L}\p{N}]+", " ")


def _match_key(words: pl.Expr) -> pl.Expr:
    """Words without equipment or plural 's', joined, so "Pull-Ups (Band)" and "pullup" meet."""
    return (
        words.str.replace_all(rf"\b(?:{EQUIPMENT_WORDS})\b", " ")
        .str.replace_all(r"\b(\w+[^s\W])s\b", "${1}")
        .str.replace_all(r"\s+", "")
    )


def full_key(name: pl.Expr) -> pl.Expr:
    """The matching key of a whole name."""
    return _match_key(_plain_words(name))


def base_key(name: pl.Expr) -> pl.Expr:
    """The matching key of a name without its bracketed parts ("Row Machine (Panatta)" -> row)."""
    return _match_key(_plain_words(name.str.replace_all(r"\([^)]*\)|\[[^\]]*\]", " ")))


@dataclass(frozen=True)
class CatalogEntry:
    """One canonical exercise."""

    exercise_id: str
    name: str
    laterality: str
    categories: tuple[str, ...]
    equipment: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    progress: str = "load"


def default_progress(equipment: list[str]) -> str:
    """An exercise's progress measure when the catalog names none: reps x band level when its usual
    (first) equipment is body weight or a band, else the estimated 1RM of its load."""
    return "reps" if equipment and equipment[0] in UNLOADED_EQUIPMENT else "load"


def _as_list(value: object) -> list[object]:
    """A YAML scalar or list as a list (missing = empty)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _entry_problems(index: int, raw: object) -> tuple[CatalogEntry | None, list[str]]:
    """One YAML exercise as a CatalogEntry, or what is wrong with it."""
    where = f"exercise #{index + 1}"
    if not isinstance(raw, dict):
        return None, [f"{where} is not a mapping with id, name, categories, laterality, aliases"]
    exercise_id = str(raw.get("id") or "")
    where = f"exercise '{exercise_id}'" if exercise_id else where
    categories = [str(c) for c in _as_list(raw.get("categories"))]
    laterality = str(raw.get("laterality") or "bilateral")
    problems = []
    if not ID_PATTERN.match(exercise_id):
        problems.append(f"{where} needs an id of lowercase letters, digits and '_'")
    if not raw.get("name"):
        problems.append(f"{where} has no name")
    if not categories:
        problems.append(f"{where} has no categories (use 'other' for non-program exercises)")
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        problems.append(
            f"{where} has unknown categor{'ies' if len(unknown) > 1 else 'y'} "
            f"{', '.join(unknown)}: use {', '.join(CATEGORIES)}"
        )
    if laterality not in LATERALITIES:
        problems.append(f"{where} has laterality '{laterality}': use bilateral or unilateral")
    equipment = [str(e) for e in _as_list(raw.get("equipment"))]
    progress = str(raw.get("progress") or default_progress(equipment))
    if progress not in PROGRESS_KINDS:
        problems.append(f"{where} has progress '{progress}': use {', '.join(PROGRESS_KINDS)}")
    if problems:
        return None, problems
    entry = CatalogEntry(
        exercise_id=exercise_id,
        name=str(raw["name"]),
        laterality=laterality,
        categories=tuple(dict.fromkeys(categories)),
        equipment=tuple(equipment),
        aliases=tuple(str(a) for a in _as_list(raw.get("aliases"))),
        progress=progress,
    )
    return entry, []


def _band_section(yaml_bytes: bytes) -> object:
    """The file's `bands:` list; the shipped one when the club's file has none (an older copy)."""
    document = yaml.safe_load(yaml_bytes.decode("utf-8-sig"))
    if isinstance(document, dict) and "bands" in document:
        return document["bands"]
    return yaml.safe_load(default_catalog_yaml().decode("utf-8"))["bands"]


def _alias_table(entries: list[CatalogEntry]) -> pl.DataFrame:
    """Every name an exercise answers to (aliases, its name, its id as words) with its matching key."""
    rows = [
        (entry.exercise_id, alias)
        for entry in entries
        for alias in (*entry.aliases, entry.name, entry.exercise_id.replace("_", " "))
    ]
    return pl.DataFrame(rows, schema={"exercise_id": pl.String, "alias": pl.String}, orient="row")


def _alias_problems(aliases: pl.DataFrame) -> list[str]:
    """Aliases that mean nothing once equipment words are ignored, or that two exercises share."""
    keyed = aliases.with_columns(key=full_key(pl.col("alias")))
    empty = keyed.filter(pl.col("key") == "")
    shared = (
        keyed.filter(pl.col("key") != "")
        .group_by("key")
        .agg(pl.col("exercise_id").unique().sort(), pl.col("alias").unique().sort())
        .filter(pl.col("exercise_id").list.len() > 1)
        .sort("key")
    )
    return [
        f"alias '{alias}' of '{exercise_id}' is only equipment words: name the movement"
        for exercise_id, alias, _ in empty.iter_rows()
    ] + [
        f"alias {' / '.join(repr(a) for a in names)} is used by several exercises "
        f"({', '.join(ids)}): keep it under one of them"
        for _, ids, names in shared.iter_rows()
    ]


@dataclass(frozen=True, eq=False)
class ExerciseCatalog:
    """The canonical exercises and the vectorised name matching over them."""

    entries: tuple[CatalogEntry, ...]
    bands: BandLevels
    _keys: pl.DataFrame = field(repr=False)

    @classmethod
    def load(cls, yaml_bytes: bytes) -> ExerciseCatalog:
        """The catalog from exercises.yaml, or a ParseError listing every problem in it."""
        raw_entries = yaml_list(yaml_bytes, "exercises.yaml", "exercises", "exercise")
        entries, problems = [], []
        for index, raw in enumerate(raw_entries):
            entry, entry_problems = _entry_problems(index, raw)
            problems += entry_problems
            if entry is not None:
                entries.append(entry)
        problems += used_twice([entry.exercise_id for entry in entries], "id")
        aliases = _alias_table(entries)
        problems += _alias_problems(aliases)
        bands, band_problems = BandLevels.load(_band_section(yaml_bytes))
        problems += band_problems
        raise_problems(
            "exercises.yaml",
            problems,
            "fix them in club/exercises.yaml; until then the previous catalog stays in use",
        )
        keys = aliases.select("exercise_id", key=full_key(pl.col("alias"))).unique()
        return cls(entries=tuple(entries), bands=bands, _keys=keys)

    @classmethod
    def default(cls) -> ExerciseCatalog:
        """The catalog shipped with StrongStride."""
        return cls.load(default_catalog_yaml())

    @property
    def categories(self) -> set[str]:
        """Categories a program may require."""
        return set(CATEGORIES)

    def annotate(self, frame: pl.DataFrame, column: str = "exercise_logged") -> pl.DataFrame:
        """The frame with exercise_id (null = unmapped), categories and laterality for each logged name."""
        names = frame.select(pl.col(column).unique().drop_nulls()).with_columns(
            full=full_key(pl.col(column)), base=base_key(pl.col(column))
        )
        by_full = self._keys.rename({"key": "full", "exercise_id": "id_full"})
        by_base = self._keys.rename({"key": "base", "exercise_id": "id_base"})
        matched = (
            names.join(by_full, on="full", how="left")
            .join(by_base, on="base", how="left")
            .select(column, exercise_id=pl.coalesce("id_full", "id_base"))
            .join(self._entries_frame(), on="exercise_id", how="left")
        )
        return frame.join(matched, on=column, how="left", maintain_order="left").with_columns(
            pl.col("categories").fill_null(pl.lit([], pl.List(pl.String)))
        )

    def match(self, name: str) -> CatalogEntry | None:
        """The canonical exercise a logged name maps to, or None."""
        found = self.annotate(pl.DataFrame({"exercise_logged": [name]}))["exercise_id"][0]
        return next((entry for entry in self.entries if entry.exercise_id == found), None)

    def _entries_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "exercise_id": [e.exercise_id for e in self.entries],
                "categories": [list(e.categories) for e in self.entries],
                "laterality": [e.laterality for e in self.entries],
            },
            schema={
                "exercise_id": pl.String,
                "categories": pl.List(pl.String),
                "laterality": pl.String,
            },
        )

    def to_frame(self) -> pl.DataFrame:
        """The exercise_catalog table: one row per canonical exercise."""
        return pl.DataFrame(
            {
                "exercise_id": [e.exercise_id for e in self.entries],
                "name": [e.name for e in self.entries],
                "equipment": [", ".join(e.equipment) or None for e in self.entries],
                "laterality": [e.laterality for e in self.entries],
                "categories": [list(e.categories) for e in self.entries],
                "aliases": [list(e.aliases) for e in self.entries],
                "progress": [e.progress for e in self.entries],
            },
            schema=CATALOG_SCHEMA,
        )
