"""Time moved on for one module: what it reads as "now" (its `utcnow`), later than the real now."""

from datetime import timedelta
from types import ModuleType

import pytest

from forum.database import utcnow


def move_clock(monkeypatch: pytest.MonkeyPatch, module: ModuleType, **later: float) -> None:
    """`module` reads its now as `later` (`days=31`, `hours=25`) after the real now, for the
    rest of the test."""
    moment = utcnow() + timedelta(**later)
    monkeypatch.setattr(module, "utcnow", lambda: moment)
