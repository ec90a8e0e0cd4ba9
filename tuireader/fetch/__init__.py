"""Retrieving (HTTP) and parsing (feeds) are kept apart."""
