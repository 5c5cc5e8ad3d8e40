"""Exports of the aggregates: spreadsheets, charts and the terugblik as a Word document."""
