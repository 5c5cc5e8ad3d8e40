"""Vocabularies: every enum of the contract with its Dutch labels, and the workflows (SPEC §4.3)."""
