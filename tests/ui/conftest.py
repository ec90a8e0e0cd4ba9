"""UI fixtures: real Libraries on tmp_path, filled by a real refresh from loopback servers.

The demo profile is refreshed once per test session (per xdist worker) and
copied for each test, so every test gets its own SQLite file without paying
for a refresh each time.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from uikit import profile

from tuireader.demo import DemoServer
from tuireader.library import Library


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A profile subscribed to the demo feeds and refreshed once."""
    root = tmp_path_factory.mktemp("demo-template")
    with DemoServer() as server:
        library = Library(profile(root))
        try:
            for url, title in server.feeds:
                library.add_feed(url, title)
            report = library.refresh_sync()
            assert not report.failures, report.failures
        finally:
            library.close()
        yield root


@pytest.fixture
def demo_library(demo_template: Path, tmp_path: Path) -> Iterator[Library]:
    """A private copy of the refreshed demo profile."""
    root = tmp_path / "profile"
    shutil.copytree(demo_template, root)
    library = Library(profile(root))
    yield library
    library.close()
