"""``python -m tui_news`` runs the command line."""

from tui_news.cli import main

raise SystemExit(main())
