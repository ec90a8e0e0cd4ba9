"""Helpers for tests that run servers and calls in threads."""

import socket
import threading
from collections.abc import Callable


def accept_each(listener: socket.socket, handle: Callable[[socket.socket], None]) -> None:
    """`handle` each connection to `listener`, in a daemon thread, until it is closed."""

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            handle(conn)

    threading.Thread(target=serve, daemon=True).start()


def in_thread(call: Callable[[], object]) -> tuple[threading.Thread, list[BaseException | None]]:
    """`call()` started in a daemon thread; the list gets what it raised (None if nothing)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome
