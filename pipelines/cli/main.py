"""The `strongstride` command: generate a demo club, ingest, parse files, report, serve, manage users."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click

from pipelines.cli.users import users_app
from pipelines.settings import Settings, load_settings


@click.group(help="StrongStride: is the club's strength program working?")
def app() -> None:
    """The command group; each subcommand imports what it needs, so `parse` starts fast."""


app.add_command(users_app, name="users")


def _say(message: str) -> None:
    click.echo(f"[{time.strftime('%H:%M:%S')}] {message}", err=True)


@app.command("demo-data")
@click.option("--athletes", default=40, show_default=True, help="How many members")
@click.option("--weeks", default=52, show_default=True, help="Weeks of history")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same bytes)")
@click.option(
    "--streams/--no-streams",
    default=True,
    show_default=True,
    help="Write per-second GPS streams (off: one point a minute, for scale tests)",
)
def demo_data(athletes: int, weeks: int, seed: int, streams: bool) -> None:
    """Write a demo club (members' files, roster, program, injuries, check-ins) into the data folder."""
    from pipelines.demo.generate import generate_demo_club

    settings = load_settings()
    _say(f"writing a demo club of {athletes} athletes x {weeks} weeks into {settings.home}")

    def progress(stage: str, done: int, total: int) -> None:
        if done == total or done % max(1, total // 10) == 0:
            _say(f"  {stage}: {done}/{total}")

    summary = generate_demo_club(
        settings.home, athletes=athletes, weeks=weeks, seed=seed, streams=streams, progress=progress
    )
    _say(
        f"demo club written: {summary.athletes} athletes ({summary.enrolled} on the program) over "
        f"{summary.weeks} weeks to {summary.end_date}; {summary.activity_files} activity files "
        f"({summary.running_activities} runs, {summary.running_hours:.0f} h), "
        f"{summary.strength_files} strength logs ({summary.strength_sessions} sessions), "
        f"{summary.injuries} injuries, {summary.checkin_documents} app check-ins, "
        f"{summary.assessment_sessions} assessment sessions, "
        f"{summary.bad_files} bad files for Data health (demo/truth.json), "
        f"{summary.bytes_written / 1e6:.0f} MB in {summary.home}"
    )


@app.command("demo-accounts")
def demo_accounts() -> None:
    """Create the demo club's logins (a coach and three members) and print them."""
    from pipelines.demo.accounts import create_demo_accounts

    settings = load_settings()
    logins = create_demo_accounts(settings.club, settings.accounts)
    click.echo("\nDemo logins (demo club only):")
    for user, password, role, athlete_id in logins:
        who = f"member, athlete {athlete_id}" if athlete_id else role
        click.echo(f"  {user:<10} password {password:<20} ({who})")


@app.command()
@click.option(
    "--full-sweep",
    is_flag=True,
    help="List every inbox folder, not only changed ones (weekly by itself): finds files "
    "rewritten in place under the same name.",
)
@click.option(
    "--full-rebuild",
    is_flag=True,
    help="Rebuild every model whole, not only what the changed athletes' data touches (done by "
    "itself when the settings, a club file or a model's SQL changed).",
)
@click.option("--verbose", is_flag=True, help="Print Dagster's whole event log as the run goes")
def ingest(full_sweep: bool, full_rebuild: bool, verbose: bool) -> None:
    """Run the whole pipeline once through Dagster: archive, parse, model, publish."""
    from pipelines.cli.describe import run_summary
    from pipelines.run import run_ingest

    settings = load_settings()
    _say(f"ingesting the club at {settings.home}")
    started = time.monotonic()
    outcome = run_ingest(
        settings, full_sweep=full_sweep, full_rebuild=full_rebuild, terminal=not verbose
    )
    if outcome.success:
        for line in run_summary(settings, outcome.run_id, time.monotonic() - started):
            _say(line)
        return
    _say(f"run {outcome.run_id[:8]} did not finish: {outcome.blocked_reason}")
    _say(
        "the dashboard keeps showing the last good data; see Data health, fix the input and re-run"
    )
    raise SystemExit(1)


@app.command("federation-ingest")
def federation_ingest() -> None:
    """Refresh every club under $STRONGSTRIDE_FEDERATION (one folder each), several in parallel."""
    from pipelines.federation.refresh import run_federation
    from pipelines.settings import federation_root

    root = federation_root()
    _say(f"refreshing every club under {root}")
    result = run_federation(root)
    _say(
        "all clubs published" if result.success else "some clubs failed: see the Dagster logs above"
    )
    raise SystemExit(0 if result.success else 1)


@app.command("export-parquet")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def export_parquet(target: Path) -> None:
    """Export every club's published marts under $STRONGSTRIDE_FEDERATION as Parquet into
    TARGET/<mart>/club=<club>/data.parquet."""
    from pipelines.federation.export import export_federation
    from pipelines.settings import federation_root

    root = federation_root()
    written = export_federation(root, target)
    if not written:
        _say(f"no club under {root} has published marts yet: run `strongstride federation-ingest`")
        raise SystemExit(1)
    for club, files in written.items():
        _say(f"{club}: {files} marts written under {target}")


@app.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def parse(files: tuple[Path, ...]) -> None:
    """Print one JSON line per activity (or strength file) found in each of FILES."""
    from pipelines.cli.describe import describe_file

    settings = load_settings()
    for path in files:
        for line in describe_file(path, settings):
            click.echo(json.dumps(line, ensure_ascii=False))


@app.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object")
def report(as_json: bool) -> None:
    """The club digest a coach reads each Monday."""
    from pipelines.cli.report import club_report, format_report

    digest = club_report(load_settings())
    click.echo(
        json.dumps(digest, ensure_ascii=False, default=str) if as_json else format_report(digest)
    )


def dashboard_command(port: int) -> list[str]:
    """The Streamlit command line for the dashboard (server.py: the app with its log-in endpoints),
    its upload cap equal to the dashboard's limit, without Streamlit's developer menu."""
    import dashboard
    from dashboard.config import load_config

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(Path(dashboard.__file__).parent / "server.py"),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # no "Deploy" button, no developer options: the toolbar a club's members see
        "--client.toolbarMode",
        "viewer",
        # Streamlit's own default (200 MB) would hold a larger upload in memory before we refuse it
        "--server.maxUploadSize",
        str(load_config().max_upload_mb),
    ]


def daemon_command() -> list[str]:
    """The Dagster daemon for this club's code location: the nightly schedule and the sensors."""
    return [
        str(Path(sys.executable).with_name("dagster-daemon")),
        "run",
        "-m",
        "pipelines.definitions",
    ]


@contextmanager
def running_daemon(settings: Settings) -> Iterator[subprocess.Popen]:
    """The Dagster daemon on the club's own instance while the block runs; stopped after it."""
    from pipelines.run import club_instance

    club_instance(settings).dispose()  # writes the club's dagster.yaml on first use
    log = settings.dagster_home / "daemon.log"
    _say(f"Dagster daemon started (schedule and inbox sensor); its log: {log}")
    env = os.environ | {
        "STRONGSTRIDE_HOME": str(settings.home),
        "DAGSTER_HOME": str(settings.dagster_home),
    }
    with open(log, "ab") as out:
        daemon = subprocess.Popen(daemon_command(), env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield daemon
    finally:
        stop(daemon, grace_s=30)


def stop(process: subprocess.Popen, grace_s: float) -> None:
    """Ask a child process to stop (SIGTERM), and kill it if it has not within `grace_s`."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()


@app.command()
@click.option("--port", default=8501, show_default=True, help="Port on 127.0.0.1")
@click.option(
    "--with-daemon",
    is_flag=True,
    help="Also run the Dagster daemon (nightly schedule, inbox sensor); both stop together",
)
def serve(port: int, with_daemon: bool) -> None:
    """Start the dashboard on 127.0.0.1."""
    settings = load_settings()
    env = os.environ | {"STRONGSTRIDE_HOME": str(settings.home)}
    with running_daemon(settings) if with_daemon else nullcontext():
        _say(f"dashboard at http://127.0.0.1:{port}  (Ctrl-C to stop)")
        code = subprocess.call(dashboard_command(port), env=env)
    raise SystemExit(code)


if __name__ == "__main__":
    app()
