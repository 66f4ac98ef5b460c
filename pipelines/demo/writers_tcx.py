"""Recordings as TCX the way Garmin Connect exports them: auto-laps, a new Track after each pause."""

from __future__ import annotations

import numpy as np

from pipelines.demo.laps import Laps, lap_of
from pipelines.demo.runs import Recording
from pipelines.demo.writers_gpx import iso_times, segment_starts

HEADER = """\
<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase
  xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2 http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd"
  xmlns:ns5="http://www.garmin.com/xmlschemas/ActivityGoals/v1"
  xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"
  xmlns:ns2="http://www.garmin.com/xmlschemas/UserProfile/v2"
  xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns4="http://www.garmin.com/xmlschemas/ProfileExtension/v1">
  <Activities>
    <Activity Sport="{sport}">
      <Id>{start}.000Z</Id>
"""
LAP_HEAD = """\
      <Lap StartTime="{start}.000Z">
        <TotalTimeSeconds>{timer:.1f}</TotalTimeSeconds>
        <DistanceMeters>{distance:.2f}</DistanceMeters>
        <MaximumSpeed>{max_speed:.3f}</MaximumSpeed>
        <Calories>{calories}</Calories>
{heart}        <Intensity>Active</Intensity>
        <TriggerMethod>{trigger}</TriggerMethod>
        <Track>
"""
LAP_HEART = """\
        <AverageHeartRateBpm>
          <Value>{avg}</Value>
        </AverageHeartRateBpm>
        <MaximumHeartRateBpm>
          <Value>{max}</Value>
        </MaximumHeartRateBpm>
"""
LAP_TAIL = """\
        </Track>
        <Extensions>
          <ns3:LX>
            <ns3:AvgSpeed>{avg_speed:.3f}</ns3:AvgSpeed>
{cadence}          </ns3:LX>
        </Extensions>
      </Lap>
"""
RUN_CADENCE = "            <ns3:AvgRunCadence>{}</ns3:AvgRunCadence>\n"
TRACK_BREAK = "        </Track>\n        <Track>\n"
FOOTER = """\
      <Creator xsi:type="Device_t">
        <Name>{device}</Name>
        <UnitId>{unit_id}</UnitId>
        <ProductID>{product}</ProductID>
        <Version>
          <VersionMajor>20</VersionMajor>
          <VersionMinor>26</VersionMinor>
          <BuildMajor>0</BuildMajor>
          <BuildMinor>0</BuildMinor>
        </Version>
      </Creator>
    </Activity>
  </Activities>
  <Author xsi:type="Application_t">
    <Name>Connect Api</Name>
    <Build>
      <Version>
        <VersionMajor>0</VersionMajor>
        <VersionMinor>0</VersionMinor>
        <BuildMajor>0</BuildMajor>
        <BuildMinor>0</BuildMinor>
      </Version>
    </Build>
    <LangID>en</LangID>
    <PartNumber>006-D2449-00</PartNumber>
  </Author>
</TrainingCenterDatabase>
"""
POSITION = """\
          <Trackpoint>
            <Time>%s.000Z</Time>
            <Position>
              <LatitudeDegrees>%.7f</LatitudeDegrees>
              <LongitudeDegrees>%.7f</LongitudeDegrees>
            </Position>
            <AltitudeMeters>%.1f</AltitudeMeters>
            <DistanceMeters>%.2f</DistanceMeters>
"""
HEART = """\
            <HeartRateBpm>
              <Value>%d</Value>
            </HeartRateBpm>
"""
RUN_EXTENSION = """\
            <Extensions>
              <ns3:TPX>
                <ns3:Speed>%.3f</ns3:Speed>
                <ns3:RunCadence>%d</ns3:RunCadence>
              </ns3:TPX>
            </Extensions>
          </Trackpoint>
"""
RIDE_EXTENSION = """\
            <Cadence>%d</Cadence>
            <Extensions>
              <ns3:TPX>
                <ns3:Speed>%.3f</ns3:Speed>
              </ns3:TPX>
            </Extensions>
          </Trackpoint>
"""


def _points(rec: Recording) -> list[str]:
    """Every Trackpoint as text, in one vectorised pass per column."""
    running = rec.plan.sport == "running"
    template = (
        POSITION
        + (HEART if rec.hr is not None else "")
        + (RUN_EXTENSION if running else RIDE_EXTENSION)
    )
    columns = [
        iso_times(rec.t),
        rec.lat.tolist(),
        rec.lon.tolist(),
        rec.ele.tolist(),
        rec.dist.tolist(),
    ]
    if rec.hr is not None:
        columns.append(rec.hr.astype(np.int64).tolist())
    cadence, speed = rec.cad.astype(np.int64).tolist(), rec.speed.tolist()
    columns += [speed, cadence] if running else [cadence, speed]
    return [template % row for row in zip(*columns, strict=True)]


def _lap_text(rec: Recording, laps: Laps, k: int, points: list[str], breaks: list[int]) -> str:
    """One Lap element, with a new Track wherever a pause fell inside it."""
    first, last = int(laps.starts[k]), int(laps.ends[k]) + 1
    cuts = [first, *(b for b in breaks if first < b < last), last]
    tracks = TRACK_BREAK.join("".join(points[a:b]) for a, b in zip(cuts, cuts[1:], strict=False))
    heart = (
        ""
        if laps.avg_hr is None
        else LAP_HEART.format(avg=round(laps.avg_hr[k]), max=int(laps.max_hr[k]))
    )
    running = rec.plan.sport == "running"
    timer = float(laps.timer_s[k])
    return (
        LAP_HEAD.format(
            start=iso_times(laps.start_t[k : k + 1])[0],
            timer=timer,
            distance=float(laps.distance_m[k]),
            max_speed=float(laps.max_speed[k]),
            calories=round(laps.distance_m[k] * (0.065 if running else 0.025)),
            heart=heart,
            trigger="Distance" if k < len(laps.starts) - 1 else "Manual",
        )
        + tracks
        + LAP_TAIL.format(
            avg_speed=float(laps.distance_m[k]) / max(timer, 1.0),
            cadence=RUN_CADENCE.format(round(laps.avg_cad[k])) if running else "",
        )
    )


def tcx_bytes(
    rec: Recording, unit_id: int, device: str = "Forerunner 255", product: int = 3992
) -> bytes:
    """One activity as a TCX file."""
    laps = lap_of(rec)
    points = _points(rec)
    breaks = segment_starts(rec.seg)[1:-1]
    sport = "Running" if rec.plan.sport == "running" else "Biking"
    text = (
        HEADER.format(sport=sport, start=iso_times(rec.t[:1])[0])
        + "".join(_lap_text(rec, laps, k, points, breaks) for k in range(len(laps.starts)))
        + FOOTER.format(device=device, unit_id=unit_id, product=product)
    )
    return text.encode("utf-8")
