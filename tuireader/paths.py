"""Where tuireader keeps its files.

One factory, shared by the CLI, the app and the tests: `--data-dir` or
`TUIREADER_HOME` puts everything under one folder; otherwise the platform's
usual data, config and cache folders. Nothing touches the disk until
`Paths.ensure()` is called.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "tuireader"
HOME_ENV = "TUIREADER_HOME"


@dataclass(frozen=True)
class Paths:
    """The folders and files of one profile."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    chosen: bool = False  # set by --data-dir / TUIREADER_HOME: a profile that starts empty

    @property
    def db_file(self) -> Path:
        return self.data_dir / "tuireader.db"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def state_file(self) -> Path:
        """UI state that is remembered between runs (theme, last position)."""
        return self.data_dir / "state.json"

    def ensure(self) -> "Paths":
        """Create the folders; raises OSError if the place is not writable."""
        for folder in (self.data_dir, self.config_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """`--data-dir` wins, then `TUIREADER_HOME`, then the platform defaults."""
    home = data_dir or os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(data_dir=root, config_dir=root, cache_dir=root / "cache", chosen=True)
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
    )
