"""Where the app's thread workers run: an executor the app's end does not wait for."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

WORK_THREADS = "tui-news-work"  # the threads of the app's workers (refreshes, syncs, reads)


class Unwaited(ThreadPoolExecutor):
    """An executor whose shutdown does not wait for work still running (the process exits
    without it: see ``tui_news.cli.entry``); work not begun is dropped."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)
