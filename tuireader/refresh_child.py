"""A refresh in a process of its own, so that it never takes the GIL from the screen.

Run inside the app, a refresh's event loop and writer thread held the app's
GIL most of the time: while 2,000 pages came in, a key press waited behind
them (p95 125 ms, the slowest 0.5 s). The child opens the same profile
(SQLite in WAL lets the app read while it writes), runs the refresh with a
pool of its own, and sends each progress step and then the report back
through a pipe. Stopped, it ends its refresh and its pool within a second or
is killed: what it committed stays committed, a kill loses at most the group
being written (see refresh.Writer), and pages left pending are fetched by the
next refresh.
"""

import multiprocessing
import multiprocessing.synchronize
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from tuireader.config import Config
from tuireader.errors import RefreshStopped, StorageError, TuireaderError
from tuireader.models import Progress, RefreshReport
from tuireader.paths import Paths

STOP_POLL_SECONDS = 0.1  # how often a waiting parent asks whether to stop
STOP_WAIT_SECONDS = 1.0  # for a stopped child to end on its own, before it is killed
EXIT_WAIT_SECONDS = 5.0  # for a child that has answered to close the profile and end


def refresh_in_child(
    paths: Paths, config: Config, *, feed_ids: list[int] | None = None,
    progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> RefreshReport:
    """`Library.refresh` of this profile, run in a child process; `progress` is called
    here, in the caller's thread. Raises what the refresh raised (its message), or
    RefreshStopped once `stop()` says so."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe(duplex=False)
    stopping = context.Event()
    child = context.Process(
        target=_run, args=(paths, config, feed_ids, theirs, stopping), name="tuireader-refresh"
    )
    child.start()
    theirs.close()  # the child's end: ours sees end-of-file if the child dies
    try:
        while True:
            if stop is not None and stop():
                stopping.set()
                raise RefreshStopped("the refresh was stopped")
            if not ours.poll(STOP_POLL_SECONDS):
                continue
            try:
                kind, value = ours.recv()
            except EOFError:
                child.join(STOP_WAIT_SECONDS)
                raise StorageError(
                    f"the refresh process ended unexpectedly (exit code {child.exitcode})"
                ) from None
            if kind == "progress" and progress is not None:
                progress(value)
            elif kind == "report":
                return value  # type: ignore[no-any-return]
            elif kind == "error":
                raise TuireaderError(value)
    finally:
        ours.close()
        # Asked to stop, the child ends its refresh and its pool within a moment; else
        # it has answered and is closing the profile. Either way, not waited on longer.
        child.join(STOP_WAIT_SECONDS if stopping.is_set() else EXIT_WAIT_SECONDS)
        if child.is_alive():
            child.terminate()
            child.join(EXIT_WAIT_SECONDS)


def _run(
    paths: Paths, config: Config, feed_ids: list[int] | None, pipe: Connection,
    stopping: "multiprocessing.synchronize.Event",
) -> None:
    """(child) The refresh, each step and the outcome sent to the parent.

    Its output goes nowhere: the terminal it shares is the app's screen.
    """
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    from tuireader.library import Library

    def send(kind: str, value: Any) -> None:
        try:
            pipe.send((kind, value))
        except (BrokenPipeError, OSError):  # the parent is gone: nobody to tell
            raise SystemExit(1) from None

    try:
        with Library(paths, config) as library:
            report = library.refresh_sync(
                feed_ids=feed_ids, progress=lambda step: send("progress", step),
                stop=stopping.is_set,
            )
    except RefreshStopped:
        return  # nobody is listening
    except TuireaderError as error:
        send("error", str(error))
    except Exception as error:  # a bug must reach the app as a message, not a dead pipe
        send("error", f"the refresh failed: {type(error).__name__}: {error}")
    else:
        send("report", report)
    finally:
        pipe.close()
