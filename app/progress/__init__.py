"""Progress per pillar and indicator, statistics and the council's terugblik."""
