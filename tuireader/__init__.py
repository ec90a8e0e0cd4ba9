"""tuireader: a terminal newsreader that reads the whole article, cleanly, offline."""

__version__ = "0.1.0"
