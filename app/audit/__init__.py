"""The append-only audit log (after the Logius Logboek Dataverwerkingen)."""
