"""The library: one SQLite file holding sources, articles and their state.

``schema`` (migrations, transactions), ``connections`` (one per thread, writes that say why
they failed, stoppable reads), ``sql`` (the SQL that reads it), ``query`` (a search query as
SQL), ``fts`` (the full-text indexes' upkeep) and ``store`` (the API, rows read into models).
"""

from tui_news.core.errors import LibraryError
from tui_news.core.library.sql import RANK_CANDIDATES
from tui_news.core.library.store import Store

__all__ = ["RANK_CANDIDATES", "LibraryError", "Store"]
