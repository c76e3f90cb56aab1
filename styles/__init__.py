"""Textual stylesheets shipped inside the package as tui_news.styles."""
