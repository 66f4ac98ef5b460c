"""Resistance-band colours and their levels (the `bands:` section of club/exercises.yaml).

Band and body-weight exercises have no 1RM: their progress is reps x band level (METRICS.md). A set's
band is read from the club CSV's `band` column, else from a colour word in the set's notes, else in the
logged exercise name ("Clamshell (Red Band)"); a set with no colour word takes the level of the
reserved colour `none` (body weight alone), so adding the lightest band reads as progress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from pipelines.parsers.club.yaml_files import unknown_keys, used_twice
from pipelines.parsers.csv_table import without_accents

NO_BAND = "none"
BAND_KEYS = ("colour", "level", "aliases")
COLOUR_PATTERN = re.compile(r"^[a-z_]+$")
MAX_LEVEL = 100


@dataclass(frozen=True)
class Band:
    """One band colour, its level and the words members write for it."""

    colour: str
    level: float
    aliases: tuple[str, ...] = ()


def _plain(word: str) -> str:
    """A word as it is matched: lowercase, without accents, single spaces."""
    folded = pl.select(without_accents(pl.lit(word))).item()
    return " ".join(re.findall(r"[^\W_]+", folded))


def _band_problems(index: int, raw: object) -> tuple[Band | None, list[str]]:
    """One YAML band as a Band, or what is wrong with it."""
    if not isinstance(raw, dict):
        return None, [f"band #{index + 1} is not a mapping with colour, level, aliases"]
    colour = str(raw.get("colour") or "")
    where = f"band '{colour}'" if colour else f"band #{index + 1}"
    problems = unknown_keys(raw, BAND_KEYS, where)
    if not COLOUR_PATTERN.match(colour):
        problems.append(f"{where} needs a colour of lowercase letters and '_'")
    level = raw.get("level")
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level <= MAX_LEVEL:
        problems.append(f"{where} needs a level: a number above 0 and at most {MAX_LEVEL}")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list):
        problems.append(f"{where} has aliases that are not a list such as [rot, rouge]")
        aliases = []
    if problems:
        return None, problems
    return Band(colour, float(level), tuple(str(a) for a in aliases)), []


@dataclass(frozen=True)
class BandLevels:
    """The club's band colours and levels, and the expressions reading a set's band from text."""

    bands: tuple[Band, ...]

    @classmethod
    def load(cls, raw: object) -> tuple[BandLevels | None, list[str]]:
        """The `bands:` list of exercises.yaml, or every problem in it."""
        if not isinstance(raw, list) or not raw:
            return None, ["'bands:' is not a list of '- colour: ..., level: ...' blocks"]
        bands, problems = [], []
        for index, item in enumerate(raw):
            band, band_problems = _band_problems(index, item)
            problems += band_problems
            if band is not None:
                bands.append(band)
        problems += used_twice([b.colour for b in bands], "band colour")
        words = [(w, b.colour) for b in bands for w in {_plain(a) for a in (b.colour, *b.aliases)}]
        shared = sorted({w for w, _ in words if sum(x == w for x, _ in words) > 1})
        problems += [f"band word '{w}' names more than one colour" for w in shared]
        named = {str(item.get("colour")) for item in raw if isinstance(item, dict)}
        if NO_BAND not in named:
            problems.append(f"bands need the colour '{NO_BAND}': the level of a set without a band")
        return (cls(tuple(bands)) if not problems else None), problems

    @property
    def no_band_level(self) -> float:
        """The level of a set logged without a band (body weight alone)."""
        return next(b.level for b in self.bands if b.colour == NO_BAND)

    @cached_property
    def _words(self) -> dict[str, str]:
        """Every matchable word -> its colour (folded once: three times a file cost 40% of parsing
        a strength log)."""
        return {_plain(w): b.colour for b in self.bands for w in (b.colour, *b.aliases)}

    def colour(self, text: pl.Expr) -> pl.Expr:
        """The colour a text names as a whole word (the longest word first), else null."""
        words = self._words
        alternatives = "|".join(
            r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True)
        )
        plain = without_accents(text).str.replace_all(r"[^\p{L}\p{N}]+", " ")
        found = plain.str.extract(rf"(?:^|\s)({alternatives})(?:\s|$)", 1)
        return found.str.replace_all(r"\s+", " ").replace_strict(
            words, default=None, return_dtype=pl.String
        )

    def level(self, colour: pl.Expr) -> pl.Expr:
        """The level of a colour; a null colour (no band logged) takes the level of 'none'."""
        levels = {b.colour: b.level for b in self.bands}
        return colour.fill_null(NO_BAND).replace_strict(
            levels, default=None, return_dtype=pl.Float64
        )
