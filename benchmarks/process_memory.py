"""Peak resident memory of a process and all its descendants (a parent and its worker pool).

`resource.getrusage` only knows the peak of one process and of its largest reaped child, not the
peak of their sum while a worker pool runs, so a thread samples the live process tree with psutil.
"""

from __future__ import annotations

import threading

import psutil


def tree_rss_bytes(root: psutil.Process) -> tuple[int, int]:
    """Summed RSS of `root` and its descendants, and how many processes that is."""
    total, count = 0, 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:  # the root has ended
        return 0, 0
    for process in processes:
        try:
            total += process.memory_info().rss
            count += 1
        except psutil.Error:  # a worker ended while we looked
            continue
    return total, count


class TreePeak:
    """Samples the summed RSS of a process tree every `interval_s` until stopped; keeps the peak."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total, count = tree_rss_bytes(self.root)
            if total > self.peak_bytes:
                self.peak_bytes, self.peak_processes = total, count
            self._stop.wait(self.interval_s)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 1024**2
