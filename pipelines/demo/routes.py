"""Where the demo athletes go: looping routes with one climb, around a home in a real city."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METRES_PER_DEGREE = 111_320.0
ROUTE_VERTICES = 720
MAX_CLIMB_GRADE = 0.08  # steepest point of a route's climb: a believable road or park path


@dataclass(frozen=True)
class City:
    """A place club members live, with its terrain."""

    name: str
    time_zone: str
    lat: float
    lon: float
    base_ele_m: float
    climb_m: tuple[float, float]  # how high a local loop's climb gets
    share: float  # share of the club living there


# Mostly London (the club's home), some members elsewhere in Europe and the US.
CITIES = (
    City("London", "Europe/London", 51.5270, -0.1550, 35.0, (8.0, 35.0), 0.40),
    City("Manchester", "Europe/London", 53.4650, -2.2300, 40.0, (8.0, 25.0), 0.08),
    City("Dublin", "Europe/Dublin", 53.3560, -6.3300, 25.0, (5.0, 20.0), 0.06),
    City("Amsterdam", "Europe/Amsterdam", 52.3580, 4.8680, 1.0, (2.0, 6.0), 0.06),
    City("Berlin", "Europe/Berlin", 52.5140, 13.3500, 35.0, (5.0, 18.0), 0.06),
    City("Munich", "Europe/Berlin", 48.1640, 11.6050, 520.0, (8.0, 25.0), 0.05),
    City("Madrid", "Europe/Madrid", 40.4150, -3.6840, 650.0, (15.0, 40.0), 0.05),
    City("Zurich", "Europe/Zurich", 47.3850, 8.5150, 410.0, (30.0, 80.0), 0.04),
    City("Denver", "America/Denver", 39.7000, -104.9700, 1610.0, (10.0, 40.0), 0.06),
    City("Portland", "America/Los_Angeles", 45.5200, -122.6900, 60.0, (40.0, 110.0), 0.07),
    City("Atlanta", "America/New_York", 33.7760, -84.3900, 300.0, (15.0, 45.0), 0.07),
)


@dataclass(frozen=True)
class Route:
    """A closed loop sampled at vertices: position, elevation and grade by distance along it."""

    name: str
    length_m: float
    cum_m: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    ele: np.ndarray
    grade: np.ndarray

    def at(self, dist_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Latitude, longitude and elevation after `dist_m` metres, lapping the loop as needed."""
        interp = np.interp
        period = self.length_m
        return (
            interp(dist_m, self.cum_m, self.lat, period=period),
            interp(dist_m, self.cum_m, self.lon, period=period),
            interp(dist_m, self.cum_m, self.ele, period=period),
        )

    def grade_at(self, dist_m: np.ndarray) -> np.ndarray:
        """Rise over run after `dist_m` metres."""
        return np.interp(dist_m, self.cum_m, self.grade, period=self.length_m)


def home_in(city: City, rng: np.random.Generator) -> tuple[float, float]:
    """A home within ~3 km of the city's running spot."""
    north, east = rng.uniform(-3000.0, 3000.0, 2)
    return (
        city.lat + north / METRES_PER_DEGREE,
        city.lon + east / (METRES_PER_DEGREE * np.cos(np.radians(city.lat))),
    )


def _loop_shape(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """An irregular closed curve through (0, 0), in arbitrary units."""
    theta = np.linspace(0.0, 2.0 * np.pi, ROUTE_VERTICES, endpoint=False)
    theta *= rng.choice([-1.0, 1.0])  # clockwise or not
    a2, a3 = rng.uniform(0.05, 0.2), rng.uniform(0.02, 0.1)
    p2, p3, facing = rng.uniform(0.0, 2.0 * np.pi, 3)
    radius = 1.0 + a2 * np.sin(2.0 * theta + p2) + a3 * np.sin(3.0 * theta + p3)
    east = radius * np.cos(theta + facing) - radius[0] * np.cos(facing)
    north = radius * np.sin(theta + facing) - radius[0] * np.sin(facing)
    return east, north


def _profile(rng: np.random.Generator, position: np.ndarray, length_m: float, climb_m: float):
    """Elevation along the loop (position 0..1): one climb in a sector plus gentle rolling."""
    width = rng.uniform(0.08, 0.15)
    # Cap the climb so its steepest point stays a believable road gradient.
    climb = min(climb_m, MAX_CLIMB_GRADE * width * length_m / 0.607)
    centre = rng.uniform(0.25, 0.75)
    offset = (position - centre + 0.5) % 1.0 - 0.5
    rolling = 0.1 * climb * np.sin(2.0 * np.pi * 3.0 * position + rng.uniform(0.0, 2.0 * np.pi))
    return climb * np.exp(-0.5 * (offset / width) ** 2) + rolling


def make_loop(
    rng: np.random.Generator,
    name: str,
    home: tuple[float, float],
    length_m: float,
    base_ele_m: float,
    climb_m: float,
) -> Route:
    """A loop of `length_m` metres starting and ending at `home`, with a climb somewhere on it."""
    east, north = _loop_shape(rng)
    step = np.hypot(np.diff(east, append=east[0]), np.diff(north, append=north[0]))
    scale = length_m / step.sum()
    east, north, step = east * scale, north * scale, step * scale
    cum = np.concatenate(([0.0], np.cumsum(step[:-1])))
    ele = base_ele_m + _profile(rng, cum / length_m, length_m, climb_m)
    rise = np.roll(ele, -1) - np.roll(ele, 1)
    run = np.roll(cum, -1) - np.roll(cum, 1)
    run[0] += length_m
    run[-1] += length_m
    lat0 = home[0]
    return Route(
        name=name,
        length_m=float(length_m),
        cum_m=cum,
        lat=lat0 + north / METRES_PER_DEGREE,
        lon=home[1] + east / (METRES_PER_DEGREE * np.cos(np.radians(lat0))),
        ele=ele,
        grade=rise / run,
    )


def athlete_routes(
    rng: np.random.Generator, city: City, home: tuple[float, float]
) -> tuple[list[Route], Route]:
    """Three running loops of 5-15 km (shortest first) and one 25-40 km cycling loop."""
    lengths = np.sort(rng.uniform(5000.0, 15000.0, 3))
    runs = [
        make_loop(
            rng, f"loop {i + 1}", home, float(length), city.base_ele_m, rng.uniform(*city.climb_m)
        )
        for i, length in enumerate(lengths)
    ]
    ride = make_loop(
        rng, "ride", home, rng.uniform(25000.0, 40000.0), city.base_ele_m, 2.0 * city.climb_m[1]
    )
    return runs, ride
