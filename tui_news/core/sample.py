"""The bundled sample library: offered on a first run, and its removal offered once later."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from tui_news.core.library import Store
from tui_news.core.models import Source

OFFERED = "sample_offered"  # meta keys: each offer is made once
REMOVAL_OFFERED = "sample_removal_offered"


def sample_folder() -> Path:
    """The bundled sample library shipped inside the package."""
    return Path(str(files("tui_news").joinpath("sample")))


def is_sample(location: str) -> bool:
    """Whether a folder is the bundled sample library (of this install or an earlier one)."""
    return location == str(sample_folder()) or Path(location).parts[-2:] == ("tui_news", "sample")


def offer_sample(store: Store) -> bool:
    """On a library that never had a source, subscribe to the sample library."""
    with store.transaction():  # two first runs at once offer it once
        if store.get_meta(OFFERED) or store.has_sources():
            return False
        store.set_meta(OFFERED, "1")
        store.add_source("folder", str(sample_folder()), "Sample library", None)
    return True


def removal_offer(store: Store) -> Source | None:
    """The sample library, once: when the user has a source of their own beside it and
    removing it was never offered. Later calls give ``None``."""
    if store.get_meta(REMOVAL_OFFERED):  # offered once already: no need to count sources
        return None
    sources = store.sources()
    sample = next((s for s in sources if s.kind == "folder" and is_sample(s.location)), None)
    if sample is None or len(sources) < 2:
        return None
    with store.transaction():  # two processes at once offer it once
        if store.get_meta(REMOVAL_OFFERED):
            return None
        store.set_meta(REMOVAL_OFFERED, "1")
    return sample
