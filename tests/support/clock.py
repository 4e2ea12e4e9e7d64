"""Time moved on for one module: what it reads as "now" (its `utcnow`), later than the real now."""

from datetime import timedelta
from types import ModuleType

import pytest

from forum.database import utcnow
from forum.web import conditional


def move_clock(monkeypatch: pytest.MonkeyPatch, module: ModuleType, **later: float) -> None:
    """`module` reads its now as `later` (`days=31`, `hours=25`) after the real now, for the
    rest of the test."""
    moment = utcnow() + timedelta(**later)
    monkeypatch.setattr(module, "utcnow", lambda: moment)


@pytest.fixture
def validators_hold_still(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guests' page validators read a clock that stands still: a page's relative moments are
    worded by the minute, and two requests either side of a minute's turn would otherwise
    differ for no change (forum.web.conditional)."""
    move_clock(monkeypatch, conditional)
