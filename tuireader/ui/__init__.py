"""The terminal UI (the only part of tuireader that imports Textual)."""

from tuireader.ui.launch import run_app, run_demo

__all__ = ["run_app", "run_demo"]
