"""What the five record types share: columns, scoping, references, concurrency and idempotency."""
