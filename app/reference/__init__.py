"""Reference data: plans, pillars, themes, partners, indicators and milestone updates."""
