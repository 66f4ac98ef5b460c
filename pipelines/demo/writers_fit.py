"""Recordings as FIT activity files like a Garmin watch writes them: file_id, device_info, timer
events around each pause, records, distance laps, session and activity."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np

from pipelines.demo.fit_encoding import Message, fit_file
from pipelines.demo.laps import lap_of
from pipelines.demo.runs import Recording
from pipelines.parsers.activity.fit_messages import RUNNING_DYNAMICS

SEMICIRCLES_PER_DEGREE = 2**31 / 180.0
GARMIN, ACTIVITY_FILE = 1, 4
TIMER, LAP, ACTIVITY = 0, 9, 26  # event
START, STOP, STOP_ALL = 0, 1, 4  # event_type
SPORT = {"running": 1, "cycling": 2}
PRODUCTS = {"fenix5": 2697, "fr255": 3992}


LAP_FIELDS = (
    "timestamp start_time start_position_lat start_position_long end_position_lat "
    "end_position_long total_elapsed_time total_timer_time total_distance message_index "
    "total_calories {speeds} total_ascent total_descent event event_type {hr} avg_cadence "
    "max_cadence intensity lap_trigger sport sub_sport"
)
SESSION_FIELDS = (
    "timestamp start_time start_position_lat start_position_long end_position_lat "
    "end_position_long total_elapsed_time total_timer_time total_distance message_index "
    "total_calories {speeds} total_ascent total_descent first_lap_index num_laps event "
    "event_type {hr} avg_cadence max_cadence trigger sport sub_sport {rating}"
)


def _names(template: str, **parts: str) -> tuple[str, ...]:
    return tuple(template.format(**parts).split())


@cache
def _messages(
    style: str, has_hr: bool, dynamics: tuple[str, ...] = (), rated: bool = False
) -> dict[str, Message]:
    """The message layouts a watch of this style uses (Fenix 5: 16-bit altitude/speed fields), with
    the running dynamics fields its records hold and the session's RPE and feel when rated."""
    old = style == "fenix5"
    parts = {
        "speeds": "avg_speed max_speed" if old else "enhanced_avg_speed enhanced_max_speed",
        "hr": "avg_heart_rate max_heart_rate" if has_hr else "",
    }
    record = "timestamp position_lat position_long distance {alt} {speed} {hr} cadence {dynamics}"
    return {
        "file_id": Message(
            0, "file_id", _names("serial_number time_created manufacturer product type")
        ),
        "device_info": Message(
            1,
            "device_info",
            _names("timestamp serial_number manufacturer product software_version device_index"),
        ),
        "event": Message(2, "event", _names("timestamp data event event_type event_group")),
        "record": Message(
            3,
            "record",
            _names(
                record,
                alt="altitude" if old else "enhanced_altitude",
                speed="speed" if old else "enhanced_speed",
                hr="heart_rate" if has_hr else "",
                dynamics=" ".join(dynamics),
            ),
        ),
        "lap": Message(4, "lap", _names(LAP_FIELDS, **parts)),
        "session": Message(
            5,
            "session",
            _names(SESSION_FIELDS, **parts, rating="workout_rpe workout_feel" if rated else ""),
        ),
        "activity": Message(
            6,
            "activity",
            _names("timestamp total_timer_time local_timestamp num_sessions type event event_type"),
        ),
    }


def _semicircles(degrees: np.ndarray) -> np.ndarray:
    return np.round(degrees * SEMICIRCLES_PER_DEGREE)


def _field_names(style: str) -> tuple[str, str, str, str]:
    """Altitude, speed, average and maximum speed fields: 16-bit on a Fenix 5, enhanced later."""
    if style == "fenix5":
        return "altitude", "speed", "avg_speed", "max_speed"
    return "enhanced_altitude", "enhanced_speed", "enhanced_avg_speed", "enhanced_max_speed"


def _records(
    m: dict[str, Message], rec: Recording, style: str, dynamics: dict[str, np.ndarray]
) -> bytes:
    """Timer start, the records with a stop/start event pair at each pause, timer stop_all."""
    altitude, speed = _field_names(style)[:2]
    t, lat, lon = rec.t, _semicircles(rec.lat), _semicircles(rec.lon)
    timer = {"event": TIMER, "event_group": 0}
    out = bytearray(m["event"].pack(timestamp=t[0], data=0, event_type=START, **timer))
    bounds = [0, *(np.flatnonzero(np.diff(rec.seg)) + 1).tolist(), len(t)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a > 0:  # auto-pause: the watch stopped at the last point and restarted at this one
            out += m["event"].pack(timestamp=t[a - 1], data=1, event_type=STOP, **timer)
            out += m["event"].pack(timestamp=t[a], data=1, event_type=START, **timer)
        columns = {
            "timestamp": t[a:b],
            "position_lat": lat[a:b],
            "position_long": lon[a:b],
            "distance": rec.dist[a:b],
            altitude: rec.ele[a:b],
            speed: rec.speed[a:b],
            "cadence": rec.cad[a:b],
            **{name: values[a:b] for name, values in dynamics.items()},
        }
        if rec.hr is not None:
            columns["heart_rate"] = rec.hr[a:b]
        out += m["record"].pack(**columns)
    out += m["event"].pack(timestamp=t[-1], data=0, event_type=STOP_ALL, **timer)
    return bytes(out)


def _summaries(
    m: dict[str, Message], rec: Recording, style: str, rating: tuple[int, int] | None
) -> bytes:
    """Distance laps, the session and the activity, as a watch writes them when the run ends."""
    avg_speed, max_speed = _field_names(style)[2:]
    plan, t = rec.plan, rec.t
    lat, lon = _semicircles(rec.lat), _semicircles(rec.lon)
    laps = lap_of(rec)
    ends, last = laps.ends, len(laps.ends) - 1
    calories = np.round(laps.distance_m * (0.065 if plan.sport == "running" else 0.025))
    common = {"event": LAP, "event_type": STOP, "sport": SPORT[plan.sport], "sub_sport": 0}
    lap_hr = (
        {}
        if rec.hr is None
        else {"avg_heart_rate": np.round(laps.avg_hr), "max_heart_rate": laps.max_hr}
    )
    out = m["lap"].pack(
        timestamp=t[ends],
        start_time=laps.start_t,
        start_position_lat=lat[laps.starts],
        start_position_long=lon[laps.starts],
        end_position_lat=lat[ends],
        end_position_long=lon[ends],
        total_elapsed_time=laps.elapsed_s,
        total_timer_time=laps.timer_s,
        total_distance=laps.distance_m,
        message_index=np.arange(last + 1),
        total_calories=calories,
        **{avg_speed: laps.distance_m / np.maximum(laps.timer_s, 1.0), max_speed: laps.max_speed},
        total_ascent=np.round(laps.ascent_m),
        total_descent=np.round(laps.descent_m),
        **lap_hr,
        avg_cadence=np.round(laps.avg_cad),
        max_cadence=laps.max_cad,
        intensity=0,
        lap_trigger=np.where(np.arange(last + 1) < last, 2, 7),
        **common,
    )
    timer, end = float(laps.timer_s.sum()), t[-1]
    hr = (
        {}
        if rec.hr is None
        else {"avg_heart_rate": round(float(rec.hr.mean())), "max_heart_rate": float(rec.hr.max())}
    )
    out += m["session"].pack(
        timestamp=end,
        start_time=t[0],
        start_position_lat=lat[0],
        start_position_long=lon[0],
        end_position_lat=lat[-1],
        end_position_long=lon[-1],
        total_elapsed_time=float(end - t[0]),
        total_timer_time=timer,
        total_distance=rec.distance_m,
        message_index=0,
        total_calories=float(calories.sum()),
        **{avg_speed: rec.distance_m / max(timer, 1.0), max_speed: float(rec.speed.max())},
        total_ascent=float(np.round(laps.ascent_m.sum())),
        total_descent=float(np.round(laps.descent_m.sum())),
        first_lap_index=0,
        num_laps=last + 1,
        **hr,
        avg_cadence=round(float(rec.cad.mean())),
        max_cadence=float(rec.cad.max()),
        trigger=0,
        **common,
        **({} if rating is None else {"workout_rpe": 10 * rating[0], "workout_feel": rating[1]}),
    )
    offset = datetime.fromtimestamp(int(end), ZoneInfo(plan.time_zone)).utcoffset()
    out += m["activity"].pack(
        timestamp=end,
        total_timer_time=timer,
        local_timestamp=end + int(offset.total_seconds()),
        num_sessions=1,
        type=0,
        event=ACTIVITY,
        event_type=STOP,
    )
    return out


def fit_bytes(
    rec: Recording,
    serial: int,
    style: str = "fr255",
    dynamics: dict[str, np.ndarray] | None = None,
    rating: tuple[int, int] | None = None,
) -> bytes:
    """One activity as a FIT file: file_id, device, timer events around pauses, records, laps, session.

    `dynamics` holds record fields by FIT name beyond cadence (running_form.dynamics_records);
    `rating` the (RPE 1-10, feel 0-100) the athlete entered on the watch after it."""
    dynamics = {name: dynamics[name] for name in RUNNING_DYNAMICS if name in (dynamics or {})}
    m = _messages(style, rec.hr is not None, tuple(dynamics), rating is not None)
    device = {"serial_number": serial, "manufacturer": GARMIN, "product": PRODUCTS[style]}
    body = b"".join(message.definition for message in m.values())
    body += m["file_id"].pack(time_created=rec.t[0], type=ACTIVITY_FILE, **device)
    body += m["device_info"].pack(
        timestamp=rec.t[0], software_version=20.26, device_index=0, **device
    )
    return fit_file(body + _records(m, rec, style, dynamics) + _summaries(m, rec, style, rating))
