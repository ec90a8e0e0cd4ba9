"""Starting the app: on the user's profile, or on the demo feeds in a throw-away profile.

The CLI calls these for `tuireader` and `tuireader --demo`. An error opening
the profile is one line on stderr and an exit code, never a traceback.
"""

import sys
import tempfile

from tuireader.errors import TuireaderError, UserError
from tuireader.library import Library

EXIT_USER_ERROR = 2
EXIT_FAILURE = 1


def run_app(data_dir: str | None) -> int:
    """Open the profile, refresh in the background, and run until the person quits."""
    try:
        library = Library.open(data_dir)
    except TuireaderError as error:
        return _fail(error)
    return _run(library)


def run_demo() -> int:
    """Serve the demo feeds on loopback, subscribe a temporary profile, run, clean up."""
    from tuireader.demo import DemoServer

    with DemoServer() as server, tempfile.TemporaryDirectory(prefix="tuireader-demo-") as root:
        try:
            library = Library.open(root)
            for url, title in server.feeds:
                library.add_feed(url, title)
        except TuireaderError as error:
            return _fail(error)
        return _run(library)


def _run(library: Library) -> int:
    from tuireader.ui.app import ReaderApp

    try:
        app = ReaderApp(library, refresh_on_start=True)
        app.run()
    finally:
        library.close()
    return app.return_code or 0


def _fail(error: TuireaderError) -> int:
    print(f"tuireader: {error}", file=sys.stderr)
    return EXIT_USER_ERROR if isinstance(error, UserError) else EXIT_FAILURE
