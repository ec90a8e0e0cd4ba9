"""An executor for a refresh loop's blocking calls (name lookups) that never holds up its end.

asyncio resolves host names with getaddrinfo in the loop's default executor,
and a loop's end (asyncio.run) and the interpreter's exit wait for every call
it queued to run. With the network gone, lookups can take seconds each: a
refresh stopped by quitting the app waited ~10 s for the ones already queued.
Here each call runs in a daemon thread of its own, and shutting down waits
for none of them. A refresh makes few calls: a lookup as a connection opens
(one per host at a time, see transport._Backend) and the pool's start.
"""

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class LookupThreads(ThreadPoolExecutor):
    """Each call in its own daemon thread; `shutdown` returns at once.

    A ThreadPoolExecutor by type only (asyncio takes no other as a loop's
    default): its pool of threads is never started.
    """

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> "Future[T]":
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # handed to the waiting caller, as an executor does
                future.set_exception(error)
            else:
                future.set_result(result)

        threading.Thread(target=run, name="tuireader-lookup", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: a call still running ends with its daemon thread."""
