"""The model step hands Dagster each built model while the graph goes on building (`_ahead`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from pipelines.defs.assets.models import _ahead

WAIT_S = 10.0


def test_the_graph_builds_the_next_model_while_the_last_is_reported() -> None:
    second_started = threading.Event()

    def graph() -> Iterator[str]:
        yield "first"
        second_started.set()
        yield "second"

    handed = []
    for item in _ahead(graph()):
        if item == "first":  # Dagster still recording the first: the second is under way
            assert second_started.wait(WAIT_S)
        handed.append(item)
    assert handed == ["first", "second"]


def test_a_failing_model_is_raised_after_the_events_before_it() -> None:
    def graph() -> Iterator[str]:
        yield "built"
        yield "checked"
        raise RuntimeError("mart_x failed: division by zero")

    handed = []
    with pytest.raises(RuntimeError, match="mart_x failed: division by zero"):
        for item in _ahead(graph()):
            handed.append(item)
    assert handed == ["built", "checked"]


def test_a_step_stopped_early_closes_the_graph_and_leaves_no_thread() -> None:
    closed = threading.Event()

    def graph() -> Iterator[int]:
        try:
            yield from range(1_000)
        finally:
            closed.set()  # the runner's own finally: cursors closed, what it did recorded

    events = _ahead(graph())
    assert next(events) == 0
    events.close()  # Dagster gave up on the step (a terminated run, a failure in reporting)
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "model-graph"]
