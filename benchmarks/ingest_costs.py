"""Fixed and per-point costs of an ingestion, from the same measurement at two backlog sizes.

A run costs `fixed + per_point x points`: the fixed part is what any backlog pays (starting the parse
workers, each importing polars, numpy, lxml and DuckDB; creating the warehouse; loading the roster),
the per-point part is what each further point adds. Two sizes give both: the per-point cost is the
extra cost over the extra points, the fixed cost what is left of the smaller run. A small backlog's
end-to-end rate is mostly its fixed cost; its per-point rate is the one a big backlog approaches.
The baseline's fixed cost is its imports, which `import_cpu_s` measures in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

BASELINE_MODULES = (
    "gpxpy",
    "fitdecode",
    "xml.etree.ElementTree",
)  # what the baseline's readers need


@dataclass(frozen=True)
class Costs:
    """Seconds (wall or CPU) a run costs whatever its size, and per point on top."""

    fixed: float
    per_point: float

    @property
    def points_per_s(self) -> float:
        """Points per second of the per-point cost alone (fixed cost left out)."""
        return 1.0 / self.per_point


def fit_costs(small: tuple[int, float], large: tuple[int, float]) -> Costs:
    """The line through (points, seconds) of a small and a large run of the same work."""
    (small_points, small_s), (large_points, large_s) = small, large
    if large_points <= small_points:
        raise ValueError(
            f"the large run ({large_points} points) must have more than {small_points}"
        )
    per_point = (large_s - small_s) / (large_points - small_points)
    return Costs(fixed=small_s - per_point * small_points, per_point=per_point)


def import_cpu_s(modules: tuple[str, ...] = BASELINE_MODULES) -> float:
    """CPU seconds a fresh interpreter spends importing `modules` (its own start-up left out)."""
    code = (
        "import importlib, time\n"
        "begin = time.process_time()\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        "print(time.process_time() - begin)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(output.stdout)
