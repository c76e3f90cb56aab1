"""``python -m tui_news`` runs the command line."""

from tui_news.cli import entry

if __name__ == "__main__":  # not when a parsing process re-imports this module
    entry()
