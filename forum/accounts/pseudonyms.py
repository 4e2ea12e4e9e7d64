"""What a pseudonym may be, and when two of them are too alike to both exist.

Pseudonyms are normalised with NFKC (so a full-width letter A becomes a plain "A"), then limited
to ASCII letters, digits, "_" and "-". Keeping to one script is deliberate: Cyrillic and Greek
have letters drawn exactly like Latin ones, and a peer-support forum must not let anyone pass as
someone else.
"""

import re
import unicodedata

MIN_LENGTH = 3
MAX_LENGTH = 30
_ALLOWED = re.compile(r"[A-Za-z0-9_-]+")

# Names that could pass for the site, its staff, or the aliases of anonymous posts.
RESERVED = {
    "admin", "administrator", "moderator", "mod", "mods", "staff", "team", "support", "help",
    "system", "root", "sysop", "official", "anonymous", "anon", "deleted", "removed", "unknown",
    "guest", "member", "nobody", "null", "none", "undefined", "everyone", "forum", "you", "me",
    "crisis", "safety",
}  # fmt: skip
# Also refused anywhere at the start of a pseudonym: "AnonymousHeron" would look like an alias.
RESERVED_PREFIXES = ("anonymous", "anon_", "anon-", "admin", "moderator", "deleted")

# Letters that are easy to mistake for one another in most fonts, folded to one of each.
_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "-": "_"})
# Control characters, NUL among them: nobody sees them in a name, no pseudonym may have them,
# and PostgreSQL refuses a NUL in any text, even in a query's parameter.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def likeness_key(pseudonym: str) -> str:
    """The same for two pseudonyms a reader could mistake for each other ("Wren", "wren",
    "VVren", "wr3n" is not). Stored unique, so no look-alike of a member can be taken."""
    # Without control characters: a look-up of a name typed with one (a NUL from a hostile
    # form or address) finds the name without it, instead of failing in the database.
    key = _CONTROL.sub("", pseudonym).casefold().translate(_LOOKALIKES)
    return key.replace("rn", "m").replace("vv", "w")


def _has_invisible(text: str) -> bool:
    # Format (zero-width, direction marks) and control characters.
    return any(unicodedata.category(char) in ("Cf", "Cc") for char in text)


def problem_with(pseudonym: str) -> str | None:
    """What to change about a (normalised) pseudonym, or None when it can be used."""
    if _has_invisible(pseudonym):
        return "Your pseudonym has invisible characters in it. Please type it again without them."
    if not MIN_LENGTH <= len(pseudonym) <= MAX_LENGTH:
        return f"Choose a pseudonym of {MIN_LENGTH} to {MAX_LENGTH} characters."
    if not _ALLOWED.fullmatch(pseudonym):
        return "Use only letters (a to z, A to Z), digits, “_” and “-” in your pseudonym."
    key = likeness_key(pseudonym)
    if key in {likeness_key(word) for word in RESERVED} or key.startswith(
        tuple(likeness_key(prefix) for prefix in RESERVED_PREFIXES)
    ):
        return "That pseudonym is kept for the site. Please choose another."
    return None
