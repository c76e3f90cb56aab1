"""The Textual app: screens, widgets and palette commands."""
