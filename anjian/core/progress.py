"""Progress bars for long management commands."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from tqdm import tqdm

_T = TypeVar("_T")


def progress_bar(stream: Any) -> Callable[[Iterable[_T], str], Iterable[_T]]:
    """A ``progress(items, label)`` function drawing a bar on ``stream`` (a command's stderr)."""

    def progress(items: Iterable[_T], label: str) -> Iterable[_T]:
        return tqdm(items, desc=label, file=stream, leave=False, dynamic_ncols=True)

    return progress
