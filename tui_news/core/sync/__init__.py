"""Sync accounts: servers that keep a user's feeds and marks (Tiny Tiny RSS, Fever, ...)."""
