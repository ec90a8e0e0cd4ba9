"""Our own exception tree: library errors are wrapped here at the boundary.

The CLI turns any `UserError` into one line on stderr and exit code 2, so a
user never sees a traceback for something they can fix.
"""

from collections.abc import Iterator


class TuireaderError(Exception):
    """Base of every error the library raises on purpose."""


class UserError(TuireaderError):
    """Something the user asked for cannot be done (bad URL, unknown id...)."""


class FetchError(TuireaderError):
    """A network fetch failed; the message is the reason shown per feed."""


class ParseError(TuireaderError):
    """Downloaded bytes could not be understood as a feed."""


class StorageError(TuireaderError):
    """The cache could not be opened or written (read-only, full, locked)."""


class ExtractError(TuireaderError):
    """A page could not be cleaned into an article; the message says why."""


class RefreshStopped(TuireaderError):
    """A refresh ended early because its caller asked (the app is quitting)."""


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, then what it was raised from or during, down the chain (into the first
    of a group): httpx, httpcore and anyio each wrap the OSError that says what happened."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup) and current.exceptions:
            current = current.exceptions[0]
        else:
            current = current.__cause__ or current.__context__
