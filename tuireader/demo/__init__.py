"""The built-in demo: four feeds and their article pages, written for tuireader.

Four fictional outlets publish in four formats (RSS 2.0, Atom, RSS 1.0/RDF,
JSON Feed 1.1) about one fictional city, with stories that overlap across
outlets, a near-verbatim republication, a page buried in boilerplate and one
link that 404s: enough to exercise fetching, extraction and related stories
offline. `DemoServer` serves them from 127.0.0.1.
"""

from tuireader.demo.server import DemoServer

__all__ = ["DemoServer"]
