"""Core: models, store, sources, text and config; never imports the UI."""
