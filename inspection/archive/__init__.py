"""The SQLite archive that keeps every round: schema, recording, queries."""
