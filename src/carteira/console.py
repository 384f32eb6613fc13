"""Progress on the command line that reads well on a terminal and in a log.

On a terminal a counter rewrites its own line (a carriage return) so the screen shows one
line that counts up. Anywhere else — a cron log, a pipe, a CI job — a carriage return
glues the counts together ("5.000 linhas lidas10.000 linhas lidas…"), so there each count
is a whole line, and at most one every ``interval`` seconds (the last count is always
written), so a million-row import leaves a few dozen lines, not two hundred.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

LOG_INTERVAL_SECONDS = 5.0


class ProgressLine:
    """``line.count(text)`` for a counter, ``line.say(text)`` for a one-off message,
    ``line.done()`` when the counting ends (ends the terminal line; in a log, writes the
    last count if the interval held it back)."""

    def __init__(
        self,
        stream: TextIO,
        *,
        tty: bool | None = None,
        interval: float = LOG_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._out = getattr(stream, "_out", stream)  # a Django OutputWrapper's own stream
        self.tty = _isatty(self._out) if tty is None else tty
        self._interval = interval
        self._clock = clock
        self._shown = 0  # characters of the counter now on the terminal line
        self._last_logged: float | None = None
        self._held: str | None = None  # a count the interval kept out of the log

    def count(self, text: str) -> None:
        if self.tty:
            padding = " " * max(self._shown - len(text), 0)  # wipe a longer earlier count
            self._write("\r" + text + padding)
            self._shown = len(text)
            return
        now = self._clock()
        if self._last_logged is not None and now - self._last_logged < self._interval:
            self._held = text
            return
        self._last_logged, self._held = now, None
        self._write(text + "\n")

    def say(self, text: str) -> None:
        self._end_counter()
        self._write(text + "\n")

    def done(self) -> None:
        self._end_counter()

    def _end_counter(self) -> None:
        if self.tty and self._shown:
            self._write("\n")
            self._shown = 0
        if not self.tty and self._held is not None:
            self._write(self._held + "\n")
            self._held = None
        self._last_logged = None

    def _write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
