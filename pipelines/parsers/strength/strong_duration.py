"""A Strong workout's duration text ('2h 18m', '2 Std. 18 Min.', '2時間18分', or plain seconds) in seconds.

Strong writes the duration in the app's language. Only the English form is documented ('2h 18m',
'5m': the real exports in /work/shared/realdata/strength; '1h 4min' in other apps' Strong import
tests), so a duration is read as up to three number + unit-word pairs, and the unit word is looked up in
UNIT_WORDS: each language's usual short and long words for hours, minutes and seconds. A duration in a
form not covered is left unknown, and the file's parse says so in a warning.
"""

from __future__ import annotations

import polars as pl

HOUR, MINUTE, SECOND = 3600, 60, 1

# Language -> unit seconds -> the words for that unit, lowercase and without a trailing dot.
UNIT_WORDS: dict[str, dict[int, tuple[str, ...]]] = {
    "en": {
        HOUR: ("h", "hr", "hrs", "hour", "hours"),
        MINUTE: ("m", "min", "mins", "minute", "minutes"),
        SECOND: ("s", "sec", "secs", "second", "seconds"),
    },
    "de": {
        HOUR: ("h", "std", "stunde", "stunden"),
        MINUTE: ("m", "min", "minute", "minuten"),
        SECOND: ("s", "sek", "sekunde", "sekunden"),
    },
    "fr": {
        HOUR: ("h", "heure", "heures"),
        MINUTE: ("min", "minute", "minutes"),
        SECOND: ("s", "sec", "seconde", "secondes"),
    },
    "es": {
        HOUR: ("h", "hora", "horas"),
        MINUTE: ("min", "minuto", "minutos"),
        SECOND: ("s", "seg", "segundo", "segundos"),
    },
    "pt": {
        HOUR: ("h", "hora", "horas"),
        MINUTE: ("min", "minuto", "minutos"),
        SECOND: ("s", "seg", "segundo", "segundos"),
    },
    "it": {
        HOUR: ("h", "ora", "ore"),
        MINUTE: ("min", "minuto", "minuti"),
        SECOND: ("s", "sec", "secondo", "secondi"),
    },
    "nl": {
        HOUR: ("u", "uur"),
        MINUTE: ("m", "min", "minuut", "minuten"),
        SECOND: ("s", "sec", "seconde", "seconden"),
    },
    "sv": {
        HOUR: ("h", "tim", "timme", "timmar"),
        MINUTE: ("min", "minut", "minuter"),
        SECOND: ("s", "sek", "sekund", "sekunder"),
    },
    "da_nb": {
        HOUR: ("t", "time", "timer"),
        MINUTE: ("min", "minut", "minutter"),
        SECOND: ("s", "sek", "sekund", "sekunder"),
    },
    "pl": {
        HOUR: ("h", "godz", "godzina", "godziny", "godzin"),
        MINUTE: ("min", "minuta", "minuty", "minut"),
        SECOND: ("s", "sek", "sekunda", "sekundy", "sekund"),
    },
    "tr": {
        HOUR: ("sa", "saat"),
        MINUTE: ("dk", "dakika"),
        SECOND: ("sn", "saniye"),
    },
    "ru": {
        HOUR: ("ч", "час", "часа", "часов"),
        MINUTE: ("м", "мин", "минута", "минуты", "минут"),
        SECOND: ("с", "сек", "секунда", "секунды", "секунд"),
    },
    "uk": {
        HOUR: ("год", "година", "години", "годин"),
        MINUTE: ("хв", "хвилина", "хвилини", "хвилин"),
        SECOND: ("с", "сек", "секунда", "секунди", "секунд"),
    },
    "ja": {HOUR: ("時間",), MINUTE: ("分",), SECOND: ("秒",)},
    "zh": {HOUR: ("小时", "小時", "时", "時"), MINUTE: ("分", "分钟", "分鐘"), SECOND: ("秒",)},
    "ko": {HOUR: ("시간",), MINUTE: ("분",), SECOND: ("초",)},
}
UNIT_SECONDS: dict[str, float] = {
    word: float(seconds)
    for units in UNIT_WORDS.values()
    for seconds, words in units.items()
    for word in words
}
# Up to three '<number> <unit word>' pairs, a dot after a word and commas between pairs allowed.
PAIR = r"(\d+)\s*(\p{L}+)\.?[\s,]*"
SPELLED = rf"^\s*{PAIR}(?:{PAIR})?(?:{PAIR})?$"


def _pair_seconds(parts: pl.Expr, pair: int) -> pl.Expr:
    """One number + unit pair in seconds: 0 when the pair is absent, null when its unit is unknown."""
    number = parts.struct.field(str(2 * pair + 1)).cast(pl.Float64)
    unit = (
        parts.struct.field(str(2 * pair + 2))
        .str.to_lowercase()
        .replace_strict(UNIT_SECONDS, default=None, return_dtype=pl.Float64)
    )
    return pl.when(number.is_null()).then(0.0).otherwise(number * unit)


def duration_s(text: pl.Expr) -> pl.Expr:
    """The duration in seconds; null when the text is empty or in a form we do not know."""
    parts = text.str.extract_groups(SPELLED)
    spelled = _pair_seconds(parts, 0) + _pair_seconds(parts, 1) + _pair_seconds(parts, 2)
    plain = text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    return (
        pl.when(plain.is_not_null())
        .then(plain)
        .when(parts.struct.field("1").is_not_null())
        .then(spelled)
    )


def unreadable_duration_warnings(logged: pl.DataFrame) -> list[str]:
    """One warning for the workouts whose duration text could not be read (their duration is unknown)."""
    unread = logged.filter(
        pl.col("duration").is_not_null() & pl.col("session_duration_s").is_null()
    )
    if unread.is_empty():
        return []
    workouts = unread.select("start_text", "workout_name").n_unique()
    example = unread["duration"][0]
    if workouts == 1:
        return [
            f"the workout duration '{example}' is in a form we do not know: "
            "that workout's duration is left unknown"
        ]
    return [
        f"the durations of {workouts} workouts are in a form we do not know (e.g. '{example}'): "
        "their durations are left unknown"
    ]
