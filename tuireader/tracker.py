"""multiprocessing's resource tracker, started with a real stderr to hand it.

The tracker's start passes `sys.stderr.fileno()` to its process, and a UI that
captures output (Textual, while it runs) puts an object there whose fileno()
is -1: the refresh pool's own start of it would then fail.
"""

import sys
from multiprocessing import resource_tracker


def start_resource_tracker() -> None:
    """Start the tracker the pool's processes need (a cheap probe once it runs), handing
    it the process's real stderr for that moment.

    Call it on the thread that owns sys.stderr (a UI's event loop) before the pool
    starts. The app calls it as a refresh starts, not as it starts itself: the
    tracker's process is a Python start-up, and it took CPU from the first screen:
    deferred, the screen came 37 ms sooner (median of 30 alternated starts in tmux).
    """
    captured, sys.stderr = sys.stderr, sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured
