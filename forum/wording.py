"""Small helpers for the words the forum says."""


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 minute', '3 minutes'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
