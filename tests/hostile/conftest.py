"""Fixtures for the hostile suite: the case farm and a profile with small limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from farm import SECRET, Farm
from hostile_helpers import CONFIG_TOML


@pytest.fixture(scope="session")
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local file that entity tricks point at; its content must never show up."""
    path = tmp_path_factory.mktemp("secret") / "secret.xml"
    path.write_text(
        f'<rss version="2.0"><channel><title>{SECRET}</title><item><title>{SECRET}</title>'
        f"<link>http://secret.test/{SECRET}</link></item></channel></rss>",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def farm(secret_file: Path) -> Iterator[Farm]:
    server = Farm(secret_file=str(secret_file)).start()
    yield server
    server.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A profile folder with small network limits in its config.toml."""
    root = tmp_path / "profile"
    root.mkdir()
    (root / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    return root


