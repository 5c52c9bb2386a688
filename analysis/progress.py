"""Progress on standard error for long work, drawn only for a person at a terminal.

Reports, large analyses and the benchmark scripts take seconds to minutes.
A bar on standard error (tqdm) tells the person waiting that work goes on.
When standard error is not a terminal — tests, CI logs, a pipe, cron —
nothing is drawn, and standard output never receives any of it, so what a
command writes there or to its files is the same with or without the bar.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def on_terminal() -> bool:
    """Whether standard error is a terminal (where a bar helps, and nowhere else)."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def progress(iterable: Iterable[T], *, total: int | None = None, label: str = "") -> Iterator[T]:
    """The items of ``iterable``, with a bar on standard error while they are worked through.

    Parameters
    ----------
    iterable : iterable
        The work, one item at a time.
    total : int, optional
        The number of items, when ``len(iterable)`` does not give it.
    label : str
        What the work is, in the reader's language.

    Examples
    --------
    >>> sum(progress(range(4), label="counting"))  # no terminal here: no bar
    6
    """
    yield from tqdm(
        iterable,
        total=total,
        desc=label or None,
        file=sys.stderr,
        disable=not on_terminal(),
        leave=False,
        dynamic_ncols=True,
    )


class Stages:
    """A bar over the stages of one piece of work that cannot be counted item by item.

    Call :meth:`begin` as each stage starts, with its name in the reader's
    language; the bar shows the stage and how many of ``total`` are done.
    """

    def __init__(self, total: int) -> None:
        self._bar = tqdm(
            total=total,
            file=sys.stderr,
            disable=not on_terminal(),
            leave=False,
            dynamic_ncols=True,
            bar_format="{desc} {bar} {n_fmt}/{total_fmt} {elapsed}",
        )
        self._begun = False

    def begin(self, label: str) -> None:
        """Mark the stage before as done and show ``label`` as the one under way."""
        if self._begun:
            self._bar.update(1)
        self._begun = True
        self._bar.set_description_str(label)

    def close(self) -> None:
        """Remove the bar (the work is over, or failed)."""
        self._bar.close()


@contextmanager
def stages(total: int) -> Iterator[Stages]:
    """A :class:`Stages` bar that is removed when the block ends, however it ends.

    Examples
    --------
    >>> with stages(2) as bar:
    ...     bar.begin("reading")
    ...     bar.begin("writing")
    """
    bar = Stages(total)
    try:
        yield bar
    finally:
        bar.close()
