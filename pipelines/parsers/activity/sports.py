"""The activity types files state (GPX <type>, TCX Sport, Strava numbers) mapped to settings.SPORTS."""

from __future__ import annotations

_LABELS = {
    "running": "run running jog jogging road_running street_running laufen lauf course_a_pied "
    "correr hardlopen 9",
    "trail_running": "trail trail_run trail_running trailrun",
    "treadmill_running": "treadmill treadmill_running indoor_running indoor_run virtual_run virtualrun",
    "walking": "walk walking nordic_walking spaziergang 10",
    "hiking": "hike hiking mountaineering wandern 4",
    "cycling": "ride cycling biking bike road_biking road_cycling mountain_biking mtb cycle gravel "
    "gravel_cycling virtual_ride virtualride ebikeride e_bike_ride indoor_cycling 1",
    "swimming": "swim swimming open_water_swimming pool_swimming lap_swimming",
    "rowing": "row rowing indoor_rowing",
    "skiing": "ski skiing cross_country_skiing nordic_ski nordicski alpine_ski alpineski "
    "alpine_skiing backcountry_ski backcountryski",
    "other": "other workout",
}
SPORT_OF_LABEL = {label: sport for sport, labels in _LABELS.items() for label in labels.split()}
UNSTATED = {"", "unknown", "none", "generic", "undefined"}


def sport_from_label(label: str | None) -> tuple[str, str | None]:
    """The sport a file's activity type names, and a warning when it had to be assumed."""
    key = (label or "").strip().lower().replace("-", "_").replace(" ", "_").replace("à", "a")
    if key in UNSTATED:
        return "running", "no activity type in the file: taken as running"
    sport = SPORT_OF_LABEL.get(key)
    if sport is None:
        return "other", f"activity type {label.strip()!r} is not one we know: taken as other"
    return sport, None
