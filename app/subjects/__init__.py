"""Subjects (SPEC §4.2): everything the caller may read about one business or premises."""
