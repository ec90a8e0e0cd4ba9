"""Shared fixtures: a real Library on a SQLite file in tmp_path, and feed builders."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tuireader.library import Library
from tuireader.paths import Paths


def make_paths(root: Path) -> Paths:
    return Paths(data_dir=root, config_dir=root, cache_dir=root / "cache", chosen=True)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(make_paths(tmp_path / "profile"))
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """Serve test feeds on the IPv4 loopback address, by number."""
    return ("127.0.0.1", 0)
