"""Measures: the mayor's closures, warnings and orders subject to penalty."""
