"""Progress bars (tqdm) for long work.

The C++ library has no progress callback inside fit and score, so progress is
reported per phase: rows while a DataFrame is converted (the binding's own
loop calls back every 65,536 rows), then one step per C++ phase (fit + score,
index) as it completes.
"""

from __future__ import annotations

import contextlib
from typing import Iterator, Optional


class Phases:
    """A bar over `total` units; ``rows(done)`` is the C++ callback of the
    conversion, ``advance(units, label)`` marks a phase done."""

    def __init__(self, total: int, enabled: bool, description: str) -> None:
        self._bar = None
        self._done = 0
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError as error:  # pragma: no cover - depends on the environment
                raise ImportError("progress=True needs tqdm: pip install tqdm (or cxjf[progress])") from error
            # tqdm.std, not tqdm.auto: the widget bar needs ipywidgets and
            # warns without it, and warnings are errors in our tests.
            self._bar = tqdm(total=total, desc=description, unit="row", unit_scale=True, leave=True)

    def rows(self, done: int) -> None:
        self._step(done - self._done)

    def phase(self, label: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(label, refresh=True)

    def advance(self, units: int) -> None:
        self._step(units)

    def _step(self, units: int) -> None:
        self._done += units
        if self._bar is not None and units > 0:
            self._bar.update(units)

    @property
    def callback(self) -> Optional[object]:
        return self.rows if self._bar is not None else None

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


@contextlib.contextmanager
def phases(total: int, enabled: bool, description: str) -> Iterator[Phases]:
    bar = Phases(total, enabled, description)
    try:
        yield bar
    finally:
        bar.close()
