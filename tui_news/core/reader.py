"""The one facade over the core: the CLI and the UI both read and change the library here."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from importlib.resources import files
from pathlib import Path

from tui_news.core.config import Config, Paths
from tui_news.core.models import RefreshReport, Source
from tui_news.core.sources.local import SourceError, scan
from tui_news.core.store import LibraryError, Store

SAMPLE_OFFERED = "sample_offered"
Progress = Callable[[int, int, Source], None]


def sample_folder() -> Path:
    """The bundled sample library shipped inside the package."""
    return Path(str(files("tui_news").joinpath("sample")))


class Reader:
    """A library (store) with its config: sources, refreshes, articles and their state."""

    def __init__(self, store: Store, config: Config, paths: Paths) -> None:
        self.store = store
        self.config = config
        self.paths = paths
        self._temporary: tempfile.TemporaryDirectory[str] | None = None

    @property
    def temporary(self) -> bool:
        """True for a throwaway library opened on paths (``tui-news PATH ...``)."""
        return self._temporary is not None

    # --- sources --------------------------------------------------------------------------

    def add(self, location: str, section: str | None = None) -> Source:
        """Subscribe to a local folder or file (not yet read: call :meth:`refresh`)."""
        if "://" in location:
            raise LibraryError(f"{location} is a URL; feeds are not supported yet")
        path = Path(location).expanduser()
        if not path.exists():
            raise LibraryError(f"no such file or folder: {location}")
        if not os.access(path, os.R_OK):
            raise LibraryError(f"{location} cannot be read (permission denied)")
        path = path.resolve()
        kind = "folder" if path.is_dir() else "file"
        name = path.name if kind == "folder" else path.stem
        return self.store.add_source(kind, str(path), name or str(path), section)

    def find_source(self, spec: str) -> Source:
        """The source whose location or name is ``spec``."""
        sources = self.store.sources()
        candidates = {spec}
        if "://" not in spec:
            candidates.add(str(Path(spec).expanduser().resolve()))
        for source in sources:
            if source.location in candidates:
                return source
        named = [s for s in sources if s.name.casefold() == spec.casefold()]
        if len(named) == 1:
            return named[0]
        if named:
            places = ", ".join(s.location for s in named)
            raise LibraryError(
                f"{len(named)} sources are named {spec!r}; give a location: {places}"
            )
        raise LibraryError(f"no source matches {spec!r} (see tui-news sources)")

    def remove(self, spec: str) -> Source:
        """Unsubscribe from a source and drop its articles."""
        source = self.find_source(spec)
        self.store.remove_source(source.id)
        return source

    def sources(self) -> list[Source]:
        """Every source with its counts."""
        return self.store.sources()

    def offer_sample(self) -> bool:
        """On a library that never had a source, subscribe to the bundled sample library."""
        if self.store.get_meta(SAMPLE_OFFERED) or self.store.sources():
            return False
        self.store.set_meta(SAMPLE_OFFERED, "1")
        self.store.add_source("folder", str(sample_folder()), "Sample library", None)
        return True

    # --- refreshing -----------------------------------------------------------------------

    def refresh(
        self, source_ids: Iterable[int] | None = None, progress: Progress | None = None
    ) -> RefreshReport:
        """Rescan sources (all by default) and store what changed; failures are reported."""
        sources = self.store.sources()
        if source_ids is not None:
            wanted = set(source_ids)
            sources = [s for s in sources if s.id in wanted]
        report = RefreshReport()
        for done, source in enumerate(sources):
            if progress:
                progress(done, len(sources), source)
            report.merge(self.refresh_source(source))
        return report

    def refresh_source(self, source: Source) -> RefreshReport:
        """Rescan one source; on failure record the reason and keep its articles."""
        try:
            result = scan(
                source.location,
                self.store.fingerprints(source.id),
                default_section=source.section,
                max_bytes=self.config.max_file_bytes,
            )
        except SourceError as error:
            self.store.set_source_error(source.id, str(error))
            return RefreshReport(failed={source.name: str(error)})
        for problem in result.problems:
            problem.source = source.name
        return self.store.apply(source.id, result.changed, result.present, result.problems)

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Close this thread's connection and drop a temporary library."""
        self.store.close()
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None


def make_reader(data_dir: str | os.PathLike[str] | None = None) -> Reader:
    """Open (creating if needed) the library in ``data_dir`` or the default folders."""
    paths = Paths.resolve(data_dir)
    folder = paths.library.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LibraryError(f"cannot create the data folder {folder} ({error.strerror})") from None
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise LibraryError(f"the data folder {folder} is not readable and writable")
    config = Config.load(paths.config)
    return Reader(Store(paths.library), config, paths)


def make_session_reader(locations: Sequence[str], data_dir: str | None = None) -> Reader:
    """A throwaway library holding just ``locations`` (for ``tui-news PATH ...``).

    The config still comes from the data dir; nothing is written to the real library.
    """
    paths = Paths.resolve(data_dir)
    config = Config.load(paths.config)
    temporary = tempfile.TemporaryDirectory(prefix="tui-news-")
    reader = Reader(Store(Path(temporary.name) / "session.sqlite"), config, paths)
    reader._temporary = temporary
    try:
        added: set[str] = set()
        for location in locations:
            if str(Path(location).expanduser().resolve()) not in added:
                added.add(reader.add(location).location)
    except LibraryError:
        reader.close()
        raise
    return reader
