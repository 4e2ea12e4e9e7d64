"""The one error of backing up and restoring."""


class BackupError(Exception):
    """A backup or restore that can't go ahead, or failed: the message says why, in words
    for the operator (never a password, never anything from the database's rows)."""
