"""Signals: tips and observations that may point to ondermijning."""
