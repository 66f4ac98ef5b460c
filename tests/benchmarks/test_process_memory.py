"""Peak memory of a process tree: a parent and the children it starts are summed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.process_memory import TreePeak

pytestmark = pytest.mark.slow  # starts child processes

# A parent holding 100 MB that starts a child holding 200 MB; both hold it for a second.
HOLDER = """
import subprocess, sys, time
block = bytearray({mb} * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
child_code = {child!r}
if child_code:
    subprocess.run([sys.executable, "-c", child_code], check=True)
else:
    time.sleep(1.0)
"""


def test_the_peak_counts_parent_and_child_together() -> None:
    child = HOLDER.format(mb=200, child="")
    parent = HOLDER.format(mb=100, child=child)
    with subprocess.Popen([sys.executable, "-c", parent]) as process, TreePeak(process.pid) as peak:
        process.wait()
    assert peak.peak_processes == 2
    assert 300 <= peak.peak_mb < 400
