"""Ondermijningsmonitor: registration of the work against ondermijning and its progress."""

API_VERSION = "1.0.0"
