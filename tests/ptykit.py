"""Reading what a program writes to a pseudo-terminal, as a terminal would."""

import os
import select
import time
from collections.abc import Callable


def read_until(fd: int, done: Callable[[bytes], bool], seconds: float) -> bytes:
    """What the app wrote to the terminal until `done` of it (or the end, or time). The
    terminal is read all the while, as a terminal does: unread, the app's writes block."""
    out = b""
    deadline = time.monotonic() + seconds
    while not done(out) and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the app closed the terminal
            break
        if not chunk:
            break
        out += chunk
    return out
