"""Recognising a strength CSV (club, Strong or Hevy) by its header, and reading its rows as logged sets.

Strong exports carry no unit column (the unit is an app setting), write rest timers as pseudo-rows,
and name their columns (and write the workout duration, see strong_duration) in the member's app
language. STRONG_HEADERS maps the names we know: English from the real exports in
/work/shared/realdata/strength, German from jjaju/statlift `columns.json` (Strong's iOS and Android
exports); the French, Spanish, Italian, Dutch and Portuguese names are plausible translations nobody
has confirmed. A Strong export in any other language is recognised by its structure instead: Strong
writes its columns in a fixed order (STRONG_ORDER), so a header of that length whose first rows have
Strong's value shapes is read by position. A file that fits neither is refused with the header found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import polars as pl

from pipelines.parsers.csv_table import ROW, as_number
from pipelines.parsers.schemas import ParseError
from pipelines.parsers.strength.strong_duration import duration_s

LB_TO_KG = 0.45359237

# Canonical Strong field -> header names in English, German, French, Spanish, Italian, Dutch and
# Portuguese, compared after dropping case, accents, punctuation and a bracketed unit.
STRONG_HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("Date", "Datum", "Fecha", "Data"),
    "workout_name": (
        "Workout Name", "Workout-Name", "Trainingsname", "Name des Workouts",
        "Nom de l'entraînement", "Nom de la séance", "Nom du workout",
        "Nombre del entrenamiento", "Nombre del workout", "Nome allenamento",
        "Nome dell'allenamento", "Workoutnaam", "Trainingsnaam", "Nome do treino",
    ),
    "duration": (
        "Duration", "Workout Duration", "Dauer", "Workout-Dauer", "Durée", "Duración", "Durata",
        "Duur", "Duração",
    ),
    "exercise": (
        "Exercise Name", "Übungsname", "Name der Übung", "Übung", "Nom de l'exercice", "Exercice",
        "Nombre del ejercicio", "Ejercicio", "Nome esercizio", "Nome dell'esercizio", "Esercizio",
        "Oefeningnaam", "Naam oefening", "Oefening", "Nome do exercício", "Exercício",
    ),
    "set_order": (
        "Set Order", "Satzreihenfolge", "Reihenfolge festlegen", "Satz", "Reihenfolge",
        "Ordre des séries", "Ordre de la série", "Série", "Orden de la serie", "Orden de series",
        "Serie", "Ordine serie", "Ordine della serie", "Setvolgorde", "Volgorde", "Set",
        "Ordem da série", "Ordem das séries",
    ),
    "weight": ("Weight", "Gewicht", "Poids", "Peso"),
    "weight_unit": (
        "Weight Unit", "Gewichtseinheit", "Unité de poids", "Unidad de peso", "Unità di peso",
        "Gewichtseenheid", "Unidade de peso",
    ),
    "reps": (
        "Reps", "Wiederholungen", "Wdh", "Wiederh", "Répétitions", "Repeticiones", "Ripetizioni",
        "Herhalingen", "Repetições",
    ),
    "seconds": ("Seconds", "Sekunden", "Secondes", "Segundos", "Secondi", "Seconden"),
    "notes": ("Notes", "Notizen", "Notas", "Note", "Notities"),
    "workout_notes": (
        "Workout Notes", "Workout-Notizen", "Trainingsnotizen", "Notes de l'entraînement",
        "Notes d'entraînement", "Notas del entrenamiento", "Note allenamento",
        "Note dell'allenamento", "Workoutnotities", "Trainingsnotities", "Notas do treino",
    ),
    "rpe": ("RPE",),
}  # fmt: skip
HEVY_HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "start_time": ("start_time",),
    "end_time": ("end_time",),
    "description": ("description",),
    "exercise": ("exercise_title",),
    "set_index": ("set_index",),
    "set_type": ("set_type",),
    "weight": ("weight_kg", "weight_lbs"),
    "reps": ("reps",),
    "seconds": ("duration_seconds",),
    "rpe": ("rpe",),
    "notes": ("exercise_notes",),
}
CLUB_HEADERS: dict[str, tuple[str, ...]] = {
    name: (name,)
    for name in ("date", "time", "athlete_id", "exercise", "set", "reps", "load", "unit")
    + ("rpe", "seconds", "notes", "band")
}
REQUIRED = {
    "strong": ("date", "exercise", "set_order", "weight", "reps"),
    "hevy": ("start_time", "exercise", "set_index", "weight", "reps"),
    "club": ("date", "exercise", "set", "reps", "load", "unit"),
}
# Strong's columns in the order the app writes them, whatever its language (the real 2021 and 2025
# exports in /work/shared/realdata/strength); an export without the RPE column ends one column earlier.
STRONG_ORDER = (
    "date", "workout_name", "duration", "exercise", "set_order", "weight", "reps", "distance",
    "seconds", "notes", "workout_notes", "rpe",
)  # fmt: skip
STRONG_NUMBERS = ("weight", "reps", "distance", "seconds", "rpe")
SHAPE_SAMPLE_ROWS = 20
HEADERS = {"strong": STRONG_HEADERS, "hevy": HEVY_HEADERS, "club": CLUB_HEADERS}
EXPECTED = (
    "Strong: Date, Exercise Name, Set Order, Weight, Reps; "
    "Hevy: start_time, exercise_title, set_index, weight_kg or weight_lbs, reps; "
    "club: date, time, athlete_id, exercise, set, reps, load, unit, rpe, notes"
)
UNIT_WORDS = {"kg": "kg", "kgs": "kg", "kilo": "kg", "lb": "lb", "lbs": "lb", "pound": "lb"}


def _plain(name: str) -> str:
    """Lowercase letters and digits only, accents dropped: 'Durée' -> 'duree'."""
    folded = unicodedata.normalize("NFKD", name.lower())
    return re.sub(r"[^0-9a-z]", "", "".join(c for c in folded if not unicodedata.combining(c)))


def _header_unit(header: str) -> str | None:
    """The unit a header states, as in 'Weight (kg)' or 'weight_lbs'."""
    words = re.findall(r"[a-z]+", header.lower())
    return next((UNIT_WORDS[w] for w in reversed(words) if w in UNIT_WORDS), None)


@dataclass(frozen=True)
class StrengthLayout:
    """Which app wrote the file, which header holds each field, and the unit the header states."""

    format: str  # club | strong | hevy
    columns: dict[str, str]  # canonical field -> the header as written in the file
    stated_unit: str | None  # 'kg' | 'lb' when a header says so ('Weight (kg)', weight_lbs)

    def label(self, field: str) -> str:
        """The file's own name for a field, for messages."""
        return self.columns.get(field, field)


def _columns_for(headers: list[str], names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Canonical field -> file header, matching a header with or without a bracketed unit."""
    lookup = {_plain(alias): field for field, aliases in names.items() for alias in aliases}
    found: dict[str, str] = {}
    for header in headers:
        without_unit = re.sub(r"\(.*?\)|_(?:kg|lbs)$", "", header)
        field = lookup.get(_plain(header)) or lookup.get(_plain(without_unit))
        if field and field not in found:
            found[field] = header
    return found


def _fits_strong_column(field: str, header: str) -> pl.Expr:
    """True where a value has the shape Strong writes in that column (free text always fits)."""
    text = pl.col(header)
    if field == "date":
        return _local_time(text, STRONG_TIME_FORMATS).is_not_null()
    if field == "exercise":
        return text.is_not_null()
    shapes = {
        # '2h 18m' in the app's language, or seconds: a number first.
        "duration": text.str.contains(r"^\d"),
        # A set number, or a word such as 'W' or a rest timer's name ('Rest Timer', 'Ruhezeit').
        "set_order": text.str.contains(r"^(?:\d+|\D+)$"),
        **{number: as_number(header).is_not_null() for number in STRONG_NUMBERS},
    }
    return text.is_null() | shapes.get(field, pl.lit(True))


def _strong_by_position(table: pl.DataFrame, headers: list[str]) -> dict[str, str] | None:
    """Strong field -> header by Strong's column order, when the header is as long as Strong's and
    most of the first rows have Strong's value shapes; None when the file does not look like that."""
    if len(headers) not in (len(STRONG_ORDER) - 1, len(STRONG_ORDER)):
        return None
    by_position = dict(zip(STRONG_ORDER, headers, strict=False))  # without RPE: one column less
    fits = pl.all_horizontal(_fits_strong_column(f, h) for f, h in by_position.items())
    sample = table.head(SHAPE_SAMPLE_ROWS)
    # Most, not all: a hand-edited row must not hide the export; the row rules reject it with a reason.
    if sample.is_empty() or sample.select(fits.fill_null(False).mean()).item() <= 0.5:
        return None
    return {field: header for field, header in by_position.items() if field in STRONG_HEADERS}


def detect_layout(table: pl.DataFrame) -> StrengthLayout:
    """The layout whose required columns the header names, else a Strong export recognised by its
    column order and values, else a ParseError naming what is missing."""
    headers = [name for name in table.columns if name != ROW]
    candidates = {fmt: _columns_for(headers, HEADERS[fmt]) for fmt in REQUIRED}

    def coverage(fmt: str) -> float:
        return sum(field in candidates[fmt] for field in REQUIRED[fmt]) / len(REQUIRED[fmt])

    best = max(REQUIRED, key=coverage)
    if coverage(best) == 1:
        columns = candidates[best]
        return StrengthLayout(
            best, columns, _header_unit(columns["weight"]) if best != "club" else None
        )
    by_position = _strong_by_position(table, headers)
    if by_position is not None:
        return StrengthLayout("strong", by_position, _header_unit(by_position["weight"]))
    if coverage(best) < 0.5:
        raise ParseError(
            "this CSV is not a Strong, Hevy or club strength export: expected columns "
            f"{EXPECTED}; found {', '.join(headers)}",
            "export it again from the app; if it is a Strong export in another app language, "
            "report this header so it can be recognised",
        )
    names = [HEADERS[best][field][0] for field in REQUIRED[best] if field not in candidates[best]]
    raise ParseError(
        f"this looks like a {best} strength file but the column{'s' if len(names) > 1 else ''} "
        f"{', '.join(names)} {'are' if len(names) > 1 else 'is'} missing (found {', '.join(headers)})",
        "export the file again without removing columns",
    )


def _local_time(text: pl.Expr, formats: tuple[str, ...]) -> pl.Expr:
    """The first of several datetime formats that reads the text (naive local time)."""
    cleaned = text.str.replace_all(r"[\u202f\u00a0]", " ").str.replace_all(r"\s+", " ")
    return pl.coalesce(
        cleaned.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in formats
    )


STRONG_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)
HEVY_TIME_FORMATS = ("%d %b %Y, %H:%M", "%d %B %Y, %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
CLUB_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def _unit_word(text: pl.Expr) -> pl.Expr:
    """'kg', 'lb' or 'bw' from the ways people write them; null when unreadable."""
    word = text.str.to_lowercase().str.replace_all(r"[^a-z]", "")
    return word.replace_strict(
        {**UNIT_WORDS, "pounds": "lb", "kilos": "kg", "bw": "bw", "bodyweight": "bw"},
        default=None,
        return_dtype=pl.String,
    )


def _strong_sets(layout: StrengthLayout, default_unit: str) -> list[pl.Expr]:
    order = pl.col("set_order").str.to_uppercase()
    reps, weight = as_number("reps"), as_number("weight")
    unit = pl.lit(layout.stated_unit or default_unit)
    if "weight_unit" in layout.columns:
        unit = pl.coalesce(_unit_word(pl.col("weight_unit")), unit)
    set_type = (
        pl.when(order.str.contains(r"^\d+$"))
        .then(pl.lit("normal"))
        .when(order == "W")
        .then(pl.lit("warmup"))
        .when(order == "D")
        .then(pl.lit("drop"))
        .when(order == "F")
        .then(pl.lit("failure"))
    )
    return [
        _local_time(pl.col("date"), STRONG_TIME_FORMATS).alias("start_local"),
        pl.col("date").alias("start_text"),
        pl.col("workout_name"),
        pl.col("workout_notes"),
        duration_s(pl.col("duration")).alias("session_duration_s"),
        order.cast(pl.Int32, strict=False).alias("set_number"),
        set_type.alias("set_type"),
        # Rest timers and other pseudo-rows name no set and hold no reps and no weight.
        (set_type.is_null() & (reps.fill_null(0) == 0) & (weight.fill_null(0) == 0)).alias(
            "pseudo"
        ),
        # A timed set (plank) is written with 0 reps: it has a time, not reps.
        pl.when((reps == 0) & (as_number("seconds") > 0))
        .then(None)
        .otherwise(reps)
        .alias("reps_value"),
        weight.alias("load_value"),
        unit.alias("load_unit"),
    ]


def _hevy_sets(layout: StrengthLayout) -> list[pl.Expr]:
    start = _local_time(pl.col("start_time"), HEVY_TIME_FORMATS)
    end = _local_time(pl.col("end_time"), HEVY_TIME_FORMATS)
    kinds = {"normal": "normal", "warmup": "warmup", "dropset": "drop", "failure": "failure"}
    set_type = pl.col("set_type").str.to_lowercase().fill_null("normal")
    return [
        start.alias("start_local"),
        pl.col("start_time").alias("start_text"),
        pl.col("title").alias("workout_name"),
        pl.col("description").alias("workout_notes"),
        (end - start).dt.total_seconds().cast(pl.Float64).alias("session_duration_s"),
        (as_number("set_index") + 1).cast(pl.Int32, strict=False).alias("set_number"),
        set_type.replace_strict(kinds, default=None, return_dtype=pl.String).alias("set_type"),
        pl.lit(False).alias("pseudo"),
        as_number("reps").alias("reps_value"),
        as_number("weight").alias("load_value"),
        pl.lit(layout.stated_unit or "kg").alias("load_unit"),
    ]


def _club_sets() -> list[pl.Expr]:
    moment = pl.concat_str(pl.col("date"), pl.col("time").fill_null("00:00"), separator=" ")
    return [
        _local_time(moment, CLUB_TIME_FORMATS).alias("start_local"),
        moment.alias("start_text"),
        pl.lit(None, pl.String).alias("workout_name"),
        pl.lit(None, pl.String).alias("workout_notes"),
        pl.lit(None, pl.Float64).alias("session_duration_s"),
        as_number("set").cast(pl.Int32, strict=False).alias("set_number"),
        pl.lit("normal").alias("set_type"),
        pl.lit(False).alias("pseudo"),
        as_number("reps").alias("reps_value"),
        as_number("load").alias("load_value"),
        _unit_word(pl.col("unit")).alias("load_unit"),
    ]


def logged_sets(table: pl.DataFrame, layout: StrengthLayout, default_unit: str) -> pl.DataFrame:
    """The file's rows with canonical field names plus typed columns, before any row is judged."""
    names = HEADERS[layout.format]
    renamed = table.select(
        ROW,
        *[pl.col(header).alias(field) for field, header in layout.columns.items()],
        *[pl.lit(None, pl.String).alias(f) for f in names if f not in layout.columns],
    )
    typed = {
        "strong": _strong_sets(layout, default_unit),
        "hevy": _hevy_sets(layout),
        "club": _club_sets(),
    }[layout.format]
    return renamed.with_columns(
        *typed,
        as_number("rpe").alias("rpe_value"),
        as_number("seconds").alias("seconds_value"),
        pl.when(as_number("seconds") > 0).then(as_number("seconds")).alias("duration_s"),
        pl.col("exercise").alias("exercise_logged"),
    )
