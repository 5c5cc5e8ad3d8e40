"""Access: API-key clients, roles, and the caller-scoped reads every record query goes through."""
