"""Bestuurlijke rapportages: police reports to the mayor that can ground a measure."""
