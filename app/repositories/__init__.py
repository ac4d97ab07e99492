"""All SQL lives here: services call these functions and own the transaction (commit)."""
