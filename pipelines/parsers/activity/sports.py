"""The activity types files state (GPX <type>, TCX Sport, Strava numbers) mapped to settings.SPORTS.

Strava's GPX export writes <type> as a number, from a list we found no published copy of; the
numbers here are the ones seen in real exports: 1 ride, 4 hike, 9 run, 10 walk, 16 swim (a
triathlon's swim leg), 17 ride. Any other number is a type we do not know.
"""

from __future__ import annotations

_LABELS = {
    "running": "run running jog jogging road_running street_running laufen lauf course_a_pied "
    "correr hardlopen 9",
    "trail_running": "trail trail_run trail_running trailrun",
    "treadmill_running": "treadmill treadmill_running indoor_running indoor_run virtual_run virtualrun",
    "walking": "walk walking nordic_walking spaziergang 10",
    "hiking": "hike hiking mountaineering wandern 4",
    "cycling": "ride cycling biking bike road_biking road_cycling mountain_biking mtb cycle gravel "
    "gravel_cycling virtual_ride virtualride ebikeride e_bike_ride indoor_cycling 1 17",
    "swimming": "swim swimming open_water_swimming pool_swimming lap_swimming 16",
    "rowing": "row rowing indoor_rowing",
    "skiing": "ski skiing cross_country_skiing nordic_ski nordicski alpine_ski alpineski "
    "alpine_skiing backcountry_ski backcountryski",
    "other": "other workout",
}
SPORT_OF_LABEL = {label: sport for sport, labels in _LABELS.items() for label in labels.split()}
UNSTATED = {"", "unknown", "none", "generic", "undefined"}


def sport_from_label(label: str | None) -> tuple[str | None, str | None]:
    """The sport a file's activity type names (None when it names none), and a warning when assumed.

    A missing type is left to summarize, which infers the sport from the speeds.
    """
    key = (label or "").strip().lower().replace("-", "_").replace(" ", "_").replace("à", "a")
    if key in UNSTATED:
        return None, None
    sport = SPORT_OF_LABEL.get(key)
    if sport is None:
        return "other", f"activity type {label.strip()!r} is not one we know: taken as other"
    return sport, None
