"""What the FIT decoder hands over: decoded messages, built from the rows it gathered."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import polars as pl

from pipelines.parsers.schemas import ENGINE

# Running dynamics, in the FIT profile's units: a chest strap, a foot pod or the watch writes them.
RUNNING_DYNAMICS: dict[str, pl.DataType] = {
    "fractional_cadence": pl.Float64,  # strides/min to add to cadence
    "stance_time": pl.Float64,  # ms: ground contact time
    "stance_time_percent": pl.Float64,  # % of the step on the ground
    "stance_time_balance": pl.Float64,  # % of ground contact time on the left foot
    "vertical_oscillation": pl.Float64,  # mm
    "vertical_ratio": pl.Float64,  # % (vertical oscillation / step length)
    "step_length": pl.Float64,  # mm
    "power": pl.Float64,  # W
}
# The record columns the decoder returns: enhanced fields and compressed speed/distance folded in,
# then the running dynamics; developer fields follow as Float64 columns named by developer_column().
RECORD_SCHEMA: dict[str, pl.DataType] = {
    "seq": pl.Int64,  # byte offset of the message in the file: the order messages were written in
    "timestamp": pl.Int64,  # FIT date_time: seconds since 1989-12-31 UTC, or since power-on if small
    "position_lat": pl.Int64,  # semicircles
    "position_long": pl.Int64,
    "altitude": pl.Float64,  # m
    "heart_rate": pl.Int64,
    "cadence": pl.Int64,  # strides/min when running
    "distance": pl.Float64,  # m, cumulative
    "speed": pl.Float64,  # m/s
    **RUNNING_DYNAMICS,
}
_DTYPES = {"int": pl.Int64, "uint64": pl.UInt64, "float": pl.Float64}
_NO_RECORDS = pl.DataFrame(schema=RECORD_SCHEMA)  # copied (cheaply) rather than built per file


@dataclass(frozen=True, eq=False)
class FieldSpec:
    """How one unpacked value becomes a decoded one (FIT profile scale and offset, invalid value)."""

    name: str
    kind: str  # int | uint64 | float | string | bytes
    invalid: int | None = None  # the base type's "no value"; floats use NaN
    scale: int = 0
    offset: int = 0
    big: bool = False  # big-endian (developer fields are decoded after reading, by column)


@dataclass(frozen=True)
class DeveloperSpec:
    """A developer field as its field_description message states it: name, units, how to decode."""

    developer_data_index: int
    field_number: int
    name: str
    units: str | None
    code: str  # struct / numpy type code of its base type
    kind: str  # int | uint64 | float
    invalid: int | None
    scale: int = 0  # 0 or 1: none
    offset: int = 0


def developer_column(developer_data_index: int, field_number: int) -> str:
    """The records column of a developer field."""
    return f"dev_{developer_data_index}_{field_number}"


# Values the decoder computes itself and appends to a row (None already marks a missing value).
SPEED_DISTANCE_FIELDS = (FieldSpec("csd_speed", "float"), FieldSpec("csd_distance", "float"))
HEADER_TIME_FIELD = FieldSpec("timestamp", "int")


@dataclass(eq=False)
class MessageRows:
    """The data messages of one kind read with one definition, as unpacked tuples."""

    message: str  # the FitMessages attribute they belong to
    fields: tuple[FieldSpec, ...]
    rows: list[tuple] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)


@dataclass
class FitMessages:
    """What a FIT file says, message by message, with invalid values as None."""

    file_ids: list[dict] = field(default_factory=list)
    sports: list[dict] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)
    laps: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)
    field_descriptions: list[dict] = field(default_factory=list)
    records: pl.DataFrame = field(default_factory=_NO_RECORDS.clone)
    # records column of each decoded developer field -> its description
    developer_fields: dict[str, DeveloperSpec] = field(default_factory=dict)
    fit_files: int = 0
    repeated_files: int = 0  # chained files identical to one before them: the same recording again
    crc_mismatch: bool = False
    damage: str | None = None  # "truncated" or "damaged at byte N" when reading stopped early


def _value(raw: object, spec: FieldSpec) -> object:
    if spec.kind == "string":
        return raw.split(b"\0", 1)[0].decode("utf-8", "replace") or None  # type: ignore[union-attr]
    # raw != raw: a NaN float, the invalid value of float fields
    if spec.kind == "bytes" or raw is None or raw == spec.invalid or raw != raw:
        return None
    if spec.scale:
        raw = float(raw) / spec.scale  # type: ignore[arg-type]
    return raw - spec.offset if spec.offset else raw  # type: ignore[operator]


def message_dicts(groups: list[MessageRows]) -> list[dict]:
    """Every message of the groups as a dict (the first valid value of a name wins), in file order."""
    found = []
    for group in groups:
        for seq, row in zip(group.seqs, group.rows, strict=True):
            message: dict = {"seq": seq}
            for spec, raw in zip(group.fields, row, strict=True):
                if message.get(spec.name) is None:
                    message[spec.name] = _value(raw, spec)
            found.append(message)
    return sorted(found, key=lambda message: message["seq"])


def _decoded(spec: FieldSpec, height: int) -> pl.Expr:
    column = pl.col(spec.name)
    if spec.kind == "float":
        column = column.fill_nan(None)
    elif spec.invalid is not None:
        column = pl.when(column != spec.invalid).then(column)
    if spec.scale:
        # A true division: polars turns division by a scalar into multiplication by its inverse,
        # one rounding step away from what the FIT SDK (and fitdecode) compute.
        column = column.cast(pl.Float64) / pl.lit(pl.Series(np.full(height, float(spec.scale))))
    return column - spec.offset if spec.offset else column


def _developer_series(
    column: tuple, spec: FieldSpec, found: DeveloperSpec | None
) -> tuple[pl.Series, FieldSpec] | None:
    """A developer field's raw bytes decoded as its description says (None: not a numeric scalar)."""
    if found is None or len(column[0]) != np.dtype(found.code).itemsize:
        return None
    values = np.frombuffer(b"".join(column), (">" if spec.big else "<") + found.code)
    scale = found.scale if found.scale > 1 else 0  # dividing by 1 would only cost time
    decoded = FieldSpec(spec.name, found.kind, found.invalid, scale, found.offset)
    return pl.Series(spec.name, values, _DTYPES[found.kind]), decoded


def _group_frame(group: MessageRows, developer: dict[str, DeveloperSpec]) -> pl.LazyFrame:
    columns = list(zip(*group.rows, strict=True))
    series, specs, names = [pl.Series("seq", group.seqs, pl.Int64)], [], {"seq"}
    for i, spec in enumerate(group.fields):
        if spec.name in names:  # a field listed twice: the first wins
            continue
        if spec.kind in _DTYPES:
            found = pl.Series(spec.name, columns[i], _DTYPES[spec.kind]), spec
        elif spec.kind == "developer":
            found = _developer_series(columns[i], spec, developer.get(spec.name))
        else:
            continue
        if found is not None:
            series.append(found[0])
            specs.append(found[1])
            names.add(spec.name)
    frame = pl.DataFrame(series)
    return frame.lazy().select("seq", *[_decoded(spec, frame.height) for spec in specs])


def records_frame(
    groups: list[MessageRows], developer: dict[str, DeveloperSpec] | None = None
) -> pl.DataFrame:
    """All record messages as one frame in file order: RECORD_SCHEMA, then the developer fields
    `developer` describes (Float64, by developer_column)."""
    frames = [_group_frame(group, developer or {}) for group in groups if group.rows]
    if not frames:
        return _NO_RECORDS.clone()
    merged = pl.concat(frames, how="diagonal_relaxed")
    present = frozenset(merged.collect_schema().names())
    developer_columns = tuple(name for name in developer or {} if name in present)
    return (
        merged.select(_record_columns(present, developer_columns))
        .sort("seq")
        .collect(engine=ENGINE)
    )


@lru_cache(maxsize=64)
def _record_columns(present: frozenset[str], developer: tuple[str, ...]) -> tuple[pl.Expr, ...]:
    """The records' columns from those the record groups hold (`present`, built once for files
    written alike): RECORD_SCHEMA, then the `developer` columns."""

    def first(name: str, *names: str) -> pl.Expr:
        """The first valid value among `names` (by default the column itself), named `name`."""
        found = [pl.col(column) for column in names or (name,) if column in present]
        column = pl.coalesce(found) if found else pl.lit(None)
        return column.cast(RECORD_SCHEMA[name], strict=False).alias(name)

    return (
        first("seq"),
        first("timestamp"),
        first("position_lat"),
        first("position_long"),
        first("altitude", "enhanced_altitude", "altitude"),
        first("heart_rate"),
        first("cadence"),
        first("distance", "distance", "csd_distance"),
        first("speed", "enhanced_speed", "speed", "csd_speed"),
        *[first(name) for name in RUNNING_DYNAMICS],
        *[pl.col(name).cast(pl.Float64) for name in developer],
    )
