"""club/ostrc_areas.yaml: the body areas the club asks the OSTRC overuse questionnaire about.

Each area has a `code` (what ostrc.csv's `area` column holds), a `label` and optionally `lower_limb`
(true/false: whether a problem there counts for the lower-limb injury definitions of METRICS.md; by
default true for the shipped lower-limb codes, false for any other). "all" is reserved: it is
the area of an answer for the whole body (no area given), the meaning of every ostrc.csv before areas.
An invalid file raises one ParseError listing every problem.
"""

from __future__ import annotations

import re
from importlib.resources import files

import polars as pl

from pipelines.parsers.club.yaml_files import raise_problems, used_twice, yaml_list

WHOLE_BODY = "all"
WHOLE_BODY_LABEL = "Whole body"
AREA_KEYS = ("code", "label", "lower_limb")
LOWER_LIMB_CODES = ("hip_groin", "thigh", "knee", "lower_leg", "ankle_foot")
OSTRC_AREA_SCHEMA: dict[str, pl.DataType] = {
    "area": pl.String(),
    "label": pl.String(),
    "lower_limb": pl.Boolean(),
}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def default_ostrc_areas_yaml() -> bytes:
    """The areas shipped with StrongStride, copied to club/ostrc_areas.yaml on first run."""
    return (files("pipelines") / "club_defaults" / "ostrc_areas.yaml").read_bytes()


def _area_problems(raw: object, i: int) -> list[str]:
    where = f"area {i + 1}"
    if not isinstance(raw, dict):
        return [f"{where} is not a 'code: ... label: ...' block"]
    problems = [
        f"{where} has an unknown key '{k}' (allowed: code, label, lower_limb)"
        for k in raw
        if k not in AREA_KEYS
    ]
    code, label = raw.get("code"), raw.get("label")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(
            f"{where} code {code!r} is not a lowercase code (letters, digits and _, e.g. lower_leg)"
        )
    elif code == WHOLE_BODY:
        problems.append(f"{where} code 'all' is reserved for answers about the whole body")
    if not isinstance(label, str) or not label.strip():
        problems.append(f"{where} has no label")
    if not isinstance(raw.get("lower_limb", False), bool):
        problems.append(f"{where} lower_limb {raw['lower_limb']!r} is not true or false")
    return problems


def parse_ostrc_areas(yaml_bytes: bytes) -> pl.DataFrame:
    """ostrc_areas.yaml as the ostrc_areas table (area code, label), in the file's order."""
    areas = yaml_list(yaml_bytes, "ostrc_areas.yaml", "areas", "area")
    problems = [p for i, raw in enumerate(areas) for p in _area_problems(raw, i)]
    if not problems:
        problems = used_twice([a["code"] for a in areas], "area code")
    raise_problems(
        "ostrc_areas.yaml",
        problems,
        "each area is a '- code: ...' line with a 'label: ...' line under it (see docs/CLUB_FILES.md)",
    )
    return pl.DataFrame(
        [
            (a["code"], a["label"].strip(), a.get("lower_limb", a["code"] in LOWER_LIMB_CODES))
            for a in areas
        ],
        schema=OSTRC_AREA_SCHEMA,
        orient="row",
    )


def default_area_codes() -> set[str]:
    """The area codes of the shipped file (for a club whose file is missing or unusable)."""
    return set(parse_ostrc_areas(default_ostrc_areas_yaml())["area"])
