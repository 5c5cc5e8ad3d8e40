"""Inspections: integrale controles and other inspections and operations."""
