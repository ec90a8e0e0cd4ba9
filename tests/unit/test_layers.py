"""The core knows nothing of Textual: it can run without a screen."""

import subprocess
import sys

CORE = [
    "tuireader.cli", "tuireader.cli_output", "tuireader.library", "tuireader.refresh",
    "tuireader.workers", "tuireader.render", "tuireader.related", "tuireader.extract.clean",
    "tuireader.fetch.feeds", "tuireader.storage.search", "tuireader.opml", "tuireader.demo",
]


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_the_ui_does_import_textual() -> None:
    """The check above can fail: the UI package is where Textual lives."""
    code = "import sys, tuireader.ui.app; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "True"
