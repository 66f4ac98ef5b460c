"""What a person running the pipeline in a terminal sees: one line per stage with a progress bar,
instead of Dagster's event log (which still goes to the Dagster instance, to a log file, and to
the terminal with --verbose)."""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import dagster as dg

# What each step is called on the terminal, in run order.
STAGES = {
    "raw_archive": "archiving new files",
    "club_reference": "reading the club's files",
    "activities": "parsing activities",
    "form_entries": "reading app entries",
    "strength_sets": "reading strength logs",
    "model_graph": "building the models and checks",
    "serving_file": "publishing for the dashboard",
}
_STEP_EVENT = re.compile(r'(STEP_START|STEP_SUCCESS|STEP_FAILURE).*?step "(\w+)"')
# The steps that report their progress, as "<verb> n/N <things>", e.g. "parsed 64/900 activity files".
COUNTS = {"raw_archive": ("archived", "new files"), "activities": ("parsed", "activity files")}
_PROGRESS = {
    step: re.compile(rf"{verb} (\d+)/(\d+) {things}") for step, (verb, things) in COUNTS.items()
}
PROGRESS_EVERY_S = 1.0
BAR = 24


def time_left(done: int, total: int, elapsed_s: float) -> str:
    """'about N min left' (or seconds) at the pace so far; empty before the first file and at the end."""
    if done <= 0 or done >= total or elapsed_s <= 0:
        return ""
    seconds = elapsed_s / done * (total - done)
    if seconds < 90:
        return f"about {max(5, round(seconds / 5) * 5):.0f} s left"
    return f"about {round(seconds / 60):.0f} min left"


def progress_log(context: dg.AssetExecutionContext, step: str) -> Callable[[int, int], None]:
    """A `progress(done, total)` for a step of `COUNTS`: logs "<verb> n/N <things>" at most once
    a second and at the end (every event goes into the instance's event log: a first import's
    17,000 batches would each be one)."""
    logged = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal logged
        if done == total or time.monotonic() - logged >= PROGRESS_EVERY_S:
            logged = time.monotonic()
            verb, things = COUNTS[step]
            context.log.info(f"{verb} {done}/{total} {things}")

    return progress


class StageProgress(logging.Handler):
    """Turns Dagster's step events and the steps' "<verb> n/N <things>" messages into stage lines."""

    def __init__(self, stream: TextIO | _Descriptor = sys.stderr) -> None:
        super().__init__(logging.DEBUG)
        self.stream = stream
        self.started: dict[str, float] = {}
        self.live = getattr(stream, "isatty", lambda: False)()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if step := _STEP_EVENT.search(message):
            event, key = step.groups()
            name = STAGES.get(key, key)
            if event == "STEP_START":
                self.started[key] = time.monotonic()
                if self.live:  # a log file gets the finished line only
                    self._line(f"{name} ...", end="\r")
            else:
                seconds = time.monotonic() - self.started.get(key, time.monotonic())
                verdict = "done" if event == "STEP_SUCCESS" else "FAILED"
                self._line(f"{name}: {verdict} ({seconds:.1f} s)")
        else:
            for step, pattern in _PROGRESS.items():
                if counted := pattern.search(message):
                    self._bar(step, int(counted[1]), int(counted[2]))

    def _bar(self, step: str, done: int, total: int) -> None:
        if self.live or done == total:  # a log file gets the finished bar only
            filled = BAR * done // max(total, 1)
            bar = "#" * filled + "." * (BAR - filled)
            elapsed = time.monotonic() - self.started.get(step, time.monotonic())
            left = time_left(done, total, elapsed)
            self._line(
                f"{STAGES[step]} [{bar}] {done}/{total}{left and f', {left}'}",
                end="\r" if self.live else "\n",
            )

    def _line(self, text: str, end: str = "\n") -> None:
        self.stream.write(f"\r[{time.strftime('%H:%M:%S')}] {text:<70}{end}")
        self.stream.flush()


class _Descriptor:
    """Text written straight to a file descriptor, which only the process's end closes (Dagster
    makes the loggers more than once in a run and drops the extra ones: a file object dropped
    closes its descriptor)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def flush(self) -> None:
        """Nothing is buffered."""

    def isatty(self) -> bool:
        return os.isatty(self.fd)


def terminal() -> TextIO | _Descriptor:
    """Where stderr goes now, before Dagster captures the steps' output: a copy of its descriptor.

    Dagster sends what the steps write to stderr to a file and back through `tail -F`, which polls
    once a second and is stopped when the run ends: the last stage's line ("publishing for the
    dashboard: done") was now and then lost. A stream with no descriptor (a test's) is used as is.
    """
    try:
        return _Descriptor(os.dup(sys.stderr.fileno()))
    except (AttributeError, OSError, io.UnsupportedOperation):
        return sys.stderr


@dg.logger(description="A line per stage, with a progress bar while files are archived and parsed.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    del init_context
    logger = logging.Logger("strongstride_progress", level=logging.DEBUG)
    logger.addHandler(StageProgress(terminal()))
    return logger


@dg.logger(
    {"path": dg.Field(str, is_required=False, description="the file the event log is appended to")},
    description="Dagster's event log, every level, appended to a file (nowhere without a path).",
)
def file_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("strongstride_file", level=logging.DEBUG)
    path = init_context.logger_config.get("path") if init_context.logger_config else None
    if path is None:
        logger.addHandler(logging.NullHandler())
        return logger
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger


LOGGERS = {
    "console": dg.colored_console_logger,
    "progress": progress_logger,
    "file": file_logger,
}
