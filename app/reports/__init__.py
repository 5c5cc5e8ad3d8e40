"""Reports for the council: the terugblik (look-back) of a council letter, generated in Dutch."""
