"""The `strongstride` command as a member or operator uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli.main import app
from pipelines.defs.logging import STAGES

runner = CliRunner()


def _parse(*paths: Path) -> list[dict]:
    result = runner.invoke(app, ["parse", *map(str, paths)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_parse_prints_the_fr110_run_as_its_device_recorded_it(realdata: Path) -> None:
    (line,) = _parse(realdata / "fit" / "garmin-fr110_run_hr_5laps.fit")
    assert line["sport"] == "running"
    assert line["start_utc"] == "2013-02-06T12:11:14Z"
    assert abs(line["distance_m"] - 4835.38) / 4835.38 < 0.015
    assert abs(line["timer_s"] - 2625.14) / 2625.14 < 0.01
    assert line["moving_s"] <= line["timer_s"]
    assert line["n_points"] == 590
    assert set(line) == {
        "file",
        "sport",
        "start_utc",
        "distance_m",
        "elapsed_s",
        "timer_s",
        "moving_s",
        "avg_hr",
        "n_points",
        "warnings",
    }


def test_parse_shows_warnings_and_reasons_and_still_exits_zero(realdata: Path) -> None:
    crc, truncated, course = _parse(
        realdata / "fit" / "corrupt_crc-mismatch.fit",
        realdata / "fit" / "sigma_ride_unterminated_no-session.fit",
        realdata / "fit" / "bikerouter_course-file_not-an-activity.fit",
    )
    assert any("CRC mismatch" in w for w in crc["warnings"])
    assert any(w.startswith("truncated: salvaged 14391 records") for w in truncated["warnings"])
    assert "not a recorded activity" in course["error"]


def test_parse_gives_one_line_per_session_of_a_multisport_file(realdata: Path) -> None:
    lines = _parse(realdata / "fit" / "garmin-fr920xt_triathlon_multisport_chained-fit.fit")
    assert [line["sport"] for line in lines] == ["swimming", "other", "cycling", "other", "running"]


def test_parse_summarises_a_strength_export(realdata: Path) -> None:
    (line,) = _parse(realdata / "strength" / "hevy_2025_weight-kg_emoji-titles.csv")
    assert line["format"] == "hevy"
    assert (line["workouts"], line["sets"], line["rejected_rows"]) == (17, 330, 0)


def test_report_json_has_the_digest_shape(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(demo_home))
    result = runner.invoke(app, ["report", "--json"])
    assert result.exit_code == 0, result.output
    digest = json.loads(result.stdout)
    assert set(digest) >= {
        "athletes",
        "runs",
        "running_hours",
        "files",
        "incidence_per_1000h",
        "irr_high_vs_low",
        "median_session_adherence",
        "athletes_detail",
    }
    truth = json.loads((demo_home / "demo" / "truth.json").read_text())
    assert set(digest["athletes_detail"]) == set(truth["athletes"])
    assert digest["files"]["received"] == digest["files"]["ingested"] + digest["files"]["rejected"]
    inc = digest["incidence_per_1000h"]
    assert inc["ci_low"] <= inc["rate"] <= inc["ci_high"]
    assert inc["rate"] == pytest.approx(1000 * inc["cases"] / inc["hours"])
    assert inc["ci_method"] == "exact Poisson (Garwood)"


def test_report_json_carries_methods_and_caveats_with_the_numbers(
    demo_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(demo_home))
    result = runner.invoke(app, ["report", "--json"])
    assert result.exit_code == 0, result.output
    digest = json.loads(result.stdout)
    clustered = "athlete cluster bootstrap, percentile, 2000 replicates (seed 19)"
    assert digest["incidence_per_1000h"]["ci_method"] == "exact Poisson (Garwood)"
    irr = digest["irr_high_vs_low"]
    assert (irr["ci_method"], irr["design"]) == (clustered, "observational, crude")
    assert irr["exact_ci_method"] == "exact conditional (assumes independent injuries)"
    adjusted = digest["adjusted_irr_high_vs_low"]
    assert adjusted["model"].startswith("Poisson GEE, log link, offset log(running hours at risk)")
    assert adjusted["design"] == "observational: an association, not the program's effect"
    # the small demo club: an estimate with its sample, or the reason there is none
    assert (adjusted["irr"] is None) == (adjusted["not_estimable"] is not None)
    for measure in ("any_problem", "substantial_problem"):
        assert digest["ostrc_mean_weekly_prevalence"][measure]["ci_method"] == clustered
    assert any("not the program's effect" in caveat for caveat in digest["caveats"])


@pytest.mark.slow
def test_serve_with_daemon_runs_the_sensor_and_stops_both_on_ctrl_c(tmp_path: Path) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    (tmp_path / "club").mkdir()
    (tmp_path / "club" / "roster.csv").write_text(
        "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group\n"
        "d001,Daemon Runner,F,1990,kg,Europe/London,50,190,A\n"
    )
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    serve = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli.main", "serve", "--with-daemon", "--port", str(port)],
        env=os.environ | {"STRONGSTRIDE_HOME": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    log = tmp_path / ".dagster" / "daemon.log"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if log.exists() and "Completed launch of run" in log.read_text(errors="replace"):
                break
            time.sleep(1)
        assert "Completed launch of run" in log.read_text(errors="replace")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        serve.wait(timeout=60)
    deadline = time.monotonic() + 30  # a run the sensor launched finishes its step, then exits
    while time.monotonic() < deadline:
        try:
            os.killpg(serve.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # the dashboard, the daemon and its runs are gone
        os.killpg(serve.pid, 0)


@pytest.mark.slow
def test_ingest_prints_a_line_per_stage_and_a_summary(tmp_path: Path, realdata: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "club").mkdir()
    (tmp_path / "club" / "roster.csv").write_text(
        "athlete_id,display_name,time_zone\nr001,Runner,Europe/London\n"
    )
    inbox = tmp_path / "inbox" / "r001"
    inbox.mkdir(parents=True)
    (inbox / "garmin-fr110_run_hr_5laps.fit").write_bytes(
        (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    )
    (inbox / "broken.gpx").write_text("<gpx>not a track")
    run = subprocess.run(
        [sys.executable, "-m", "pipelines.cli.main", "ingest"],
        env={**__import__("os").environ, "STRONGSTRIDE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    assert len(lines) < 20, "\n".join(lines)
    assert "DEBUG" not in run.stderr and "STEP_START" not in run.stderr
    text = "\n".join(lines)
    for stage in STAGES.values():  # each stage's line, in full when the assertion fails
        assert f"{stage}: done" in text, text
    assert f"archiving new files [{'#' * 24}] 7/7" in text  # the bar, once done off a terminal
    # the FIT file, the broken GPX, the roster and the four defaults copied on the first run
    # (exercises, programs, OSTRC areas, assessment tests)
    assert "7 new files (6 loaded, 1 rejected)" in text
    assert "rejected broken.gpx:" in text
    assert "the club now has 1 member and 1 run;" in text
    assert "DEBUG" in (tmp_path / ".dagster" / "logs" / "ingest.log").read_text()


def test_the_progress_bar_estimates_the_time_left_at_the_pace_so_far() -> None:
    from pipelines.defs.logging import time_left

    # 100 of 1,000 files in 20 s: 0.2 s a file, 900 left = 180 s = 3 min.
    assert time_left(100, 1000, 20.0) == "about 3 min left"
    # 900 of 1,000 in 180 s: 100 left = 20 s.
    assert time_left(900, 1000, 180.0) == "about 20 s left"
    assert time_left(999, 1000, 100.0) == "about 5 s left"  # 0.1 s, shown as the smallest step
    assert time_left(0, 1000, 3.0) == "" and time_left(1000, 1000, 60.0) == ""


def test_stage_lines_bypass_dagsters_capture_of_stderr(tmp_path: Path) -> None:
    # Dagster points stderr (descriptor 2) at a file while the steps run and copies it back
    # through `tail -F`, which the run's end stops before its next poll: the stage lines go to
    # stderr as it was when the run began instead
    import subprocess
    import sys

    captured = tmp_path / "captured"
    script = f"""
import logging, os
from pipelines.defs.logging import StageProgress, terminal
handler = StageProgress(terminal())
os.dup2(os.open({str(captured)!r}, os.O_WRONLY | os.O_CREAT), 2)  # what Dagster's capture does
handler.emit(logging.LogRecord("ingest", logging.DEBUG, "", 0,
    'STEP_SUCCESS - Finished execution of step "serving_file" in 0.3s.', None, None))
"""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert f"{STAGES['serving_file']}: done" in run.stderr
    assert captured.read_text() == ""
