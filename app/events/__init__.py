"""Partner events: CloudEvents intake, exactly once, with an inbox of every event."""
