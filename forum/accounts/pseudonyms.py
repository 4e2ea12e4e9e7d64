"""What a pseudonym may be, and when two of them are too alike to both exist.

Pseudonyms are normalised with NFKC (so a full-width letter A becomes a plain "A"), then limited
to ASCII letters, digits, "_" and "-". Keeping to one script is deliberate: Cyrillic and Greek
have letters drawn exactly like Latin ones, and a peer-support forum must not let anyone pass as
someone else: not as another member, not as its staff, not as the site, and not as the alias of
an anonymous post. Bylines show a staff member's role; a member's name must not seem to.
"""

import re
import unicodedata
from functools import cache

from flask import current_app, has_app_context

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

# Words that make a name look like the forum's staff or a service for people in crisis. Each is
# refused as a word of a pseudonym: alone, between "_" or "-" ("wren_mod"), as a capitalised
# word ("ModTeam", "SiteAdmin"), beside a digit ("Admin2"), or run together with others of
# these or `STAFF_GLUE` ("modteam", "siteadmin"). Not inside an everyday word: "Modest",
# "Desmond", "Steam" and "Badminton" are fine.
STAFF_WORDS = (
    "mod", "mods", "moderator", "moderators", "moderation", "admin", "admins", "administrator",
    "team", "staff", "support", "crisis", "helpline", "helpdesk", "hotline", "lifeline",
    "official", "sysop", "webmaster",
)  # fmt: skip
# Ordinary words that make a staff-like name when run together with a staff word: "siteadmin",
# "theteam", "helpteam", "crisischat".
STAFF_GLUE = ("the", "site", "forum", "help", "line", "desk", "chat", "head", "lead", "chief")
# Staff words no everyday name has inside it: refused anywhere ("supermoderator").
STAFF_WORDS_ANYWHERE = ("moderator", "administrator", "crisis", "helpline", "hotline")
# Anonymous posts are shown as "Anonymous Heron": a name beginning with a near-spelling of it
# ("Anonymus", "Annonymous", "Anonimous_Heron"), or holding one anywhere ("The_Anonymouse"),
# would read as one. ("Synonymous" reads close enough to be refused too.)
ALIAS_WORD = "anonymous"
ALIAS_SLIPS_AT_START = 2
ALIAS_SLIPS_ANYWHERE = 1
# The site's name is refused anywhere in a pseudonym once it is this long; a shorter one only
# as a word of it, like a staff word.
SITE_NAME_ANYWHERE_LENGTH = 5

# Letters that are easy to mistake for one another in most fonts, folded to one of each.
_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "-": "_"})
# Control characters, NUL among them: nobody sees them in a name, no pseudonym may have them,
# and PostgreSQL refuses a NUL in any text, even in a query's parameter.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Where one word of a name ends and the next begins: "_" or "-", a digit, a lower-case letter
# then a capital ("ModTeam"), or capitals then a capitalised word ("MODTeam"). A name is read
# twice: once with 0, 1 and 5 as the letters they look like ("M0d_Wren"), once as digits
# ("Admin1_Wren").
_CAPITALS = r"|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])"
_WORD_BREAKS = (
    re.compile(r"[_\-2346789]+" + _CAPITALS),
    re.compile(r"[_\-0-9]+" + _CAPITALS),
)

KEPT_FOR_THE_SITE = "That pseudonym is kept for the site. Please choose another."


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _folded(pseudonym: str) -> str:
    # Without control characters: a look-up of a name typed with one (a NUL from a hostile
    # form or address) finds the name without it, instead of failing in the database.
    return _CONTROL.sub("", pseudonym).casefold().translate(_LOOKALIKES)


def _merged(folded: str) -> str:
    return folded.replace("rn", "m").replace("vv", "w")


def likeness_key(pseudonym: str) -> str:
    """The same for two pseudonyms a reader could mistake for each other ("Wren", "wren",
    "VVren", "wr3n" is not). Stored unique, so no look-alike of a member can be taken."""
    return _merged(_folded(pseudonym))


# --- near-copies --------------------------------------------------------------------------


def _slips(letters: str) -> set[str]:
    """`letters` with one slip of the kind that keeps a name reading the same: a "_" added or
    taken out, a letter doubled or a double letter made single, two letters side by side
    swapped."""
    ends = range(len(letters) + 1)
    pairs = range(len(letters) - 1)
    return {
        *(letters[:i] + letters[i + 1 :] for i, letter in enumerate(letters) if letter == "_"),
        *(letters[:i] + "_" + letters[i:] for i in ends),
        *(letters[:i] + letters[i + 1 :] for i in pairs if letters[i] == letters[i + 1]),
        *(letters[:i] + letters[i] + letters[i:] for i in range(len(letters))),
        *(letters[:i] + letters[i + 1] + letters[i] + letters[i + 2 :] for i in pairs),
    }


def too_close_keys(pseudonym: str) -> set[str]:
    """The likeness keys of every pseudonym too close to this one to exist beside it: its own,
    those one slip away (`_slips`) in either direction, and its own without any "_" or "-"
    ("W_r_e_n" is "Wren"). So looking these up finds an existing "Wren" for "Wren_", "W-ren",
    "Wrenn" and "Wern", and an existing "Wrenn" for "Wren": a bounded set (about five times
    the name's length), looked up in the unique index of the keys."""
    letters = _folded(pseudonym)
    close = {letters, letters.replace("_", ""), *_slips(letters)}
    return {_merged(candidate) for candidate in close if candidate.strip("_")}


# --- names that could pass for the site, its staff or an anonymous post -------------------


def _words(pseudonym: str) -> list[str]:
    """The words of a name in either reading (`_WORD_BREAKS`), and all its letters as one
    word ("HelpDesk" is also "helpdesk"), in order, as likeness keys: "M0d_Team" has "mod" and
    "team", "Admin1" has "admln"."""
    words = [word for breaks in _WORD_BREAKS for word in breaks.split(pseudonym) if word]
    letters = re.sub(r"[_0-9]", "", likeness_key(pseudonym))
    return list(dict.fromkeys([*(likeness_key(word) for word in words), letters]))


@cache
def _staff_keys() -> dict[str, str]:
    """Each staff word's likeness key, to the word as the refusal names it."""
    return {likeness_key(word): word for word in STAFF_WORDS}


@cache
def _glue_keys() -> frozenset[str]:
    return frozenset(likeness_key(word) for word in STAFF_GLUE)


def _staff_word_run_together(word: str) -> str | None:
    """The staff word in `word` when `word` is only staff words and glue words run together,
    at least one of them a staff word ("modteam", "siteadmin"); otherwise None."""
    staff, glue = _staff_keys(), _glue_keys()
    # met[end]: word[:end] splits into known words, and this is the staff word among them
    # ("" while none); no entry when word[:end] doesn't split.
    met: dict[int, str] = {0: ""}
    for end in range(1, len(word) + 1):
        for start in list(met):
            part = word[start:end]
            if part in staff:
                found = met[start] or staff[part]
            elif part in glue:
                found = met[start]
            else:
                continue
            if not met.get(end):
                met[end] = found
    return met.get(len(word)) or None


def _staff_word_in(pseudonym: str) -> str | None:
    """The staff word a name uses, if it uses one (see `STAFF_WORDS`)."""
    staff = _staff_keys()
    for word in _words(pseudonym):
        if word in staff:
            return staff[word]
        run_together = _staff_word_run_together(word)
        if run_together:
            return run_together
    letters = likeness_key(pseudonym).replace("_", "")
    return next((w for w in STAFF_WORDS_ANYWHERE if likeness_key(w) in letters), None)


def _slips_between(word: str, text: str, anchored: bool) -> int:
    """The fewest slips (a letter added, dropped or changed, or two side by side swapped) that
    make `word` of some run of `text`'s letters: a run from the start when `anchored`, any
    run otherwise."""
    # Row i holds, for each j, the fewest slips making word[:i] of a run ending at text[j].
    previous = list(range(len(text) + 1)) if anchored else [0] * (len(text) + 1)
    earlier = previous
    for i in range(1, len(word) + 1):
        current = [i] * (len(text) + 1)
        for j in range(1, len(text) + 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (word[i - 1] != text[j - 1]),
            )
            if i > 1 and j > 1 and word[i - 1] == text[j - 2] and word[i - 2] == text[j - 1]:
                current[j] = min(current[j], earlier[j - 2] + 1)
        earlier, previous = previous, current
    return min(previous)


def _reads_as_an_alias(pseudonym: str) -> bool:
    letters = likeness_key(pseudonym).replace("_", "")
    word = likeness_key(ALIAS_WORD)
    return (
        _slips_between(word, letters, anchored=True) <= ALIAS_SLIPS_AT_START
        or _slips_between(word, letters, anchored=False) <= ALIAS_SLIPS_ANYWHERE
    )


def _site_name() -> str:
    return current_app.config.get("SITE_NAME", "") if has_app_context() else ""


def _uses_the_site_name(pseudonym: str) -> bool:
    site = likeness_key(re.sub(r"[^A-Za-z0-9]", "", normalise(_site_name())))
    if len(site) < MIN_LENGTH:
        return False
    if len(site) >= SITE_NAME_ANYWHERE_LENGTH:
        return site in likeness_key(pseudonym).replace("_", "")
    return site in _words(pseudonym)


# --- the rules, in the order a refusal names them ----------------------------------------


def _has_invisible(text: str) -> bool:
    # Format (zero-width, direction marks) and control characters.
    return any(unicodedata.category(char) in ("Cf", "Cc") for char in text)


def _kept_for_the_site(pseudonym: str) -> bool:
    key = likeness_key(pseudonym)
    return key in {likeness_key(word) for word in RESERVED} or key.startswith(
        tuple(likeness_key(prefix) for prefix in RESERVED_PREFIXES)
    )


def problem_with(pseudonym: str) -> str | None:
    """What to change about a (normalised) pseudonym, or None when it can be used. Whether it
    is free, or too close to a member's, is `members.pseudonym_available`'s question."""
    if _has_invisible(pseudonym):
        return "Your pseudonym has invisible characters in it. Please type it again without them."
    if not MIN_LENGTH <= len(pseudonym) <= MAX_LENGTH:
        return f"Choose a pseudonym of {MIN_LENGTH} to {MAX_LENGTH} characters."
    if not _ALLOWED.fullmatch(pseudonym):
        return "Use only letters (a to z, A to Z), digits, “_” and “-” in your pseudonym."
    if _kept_for_the_site(pseudonym):
        return KEPT_FOR_THE_SITE
    if _reads_as_an_alias(pseudonym):
        return (
            "Names like “Anonymous” are kept for anonymous posts, so that nobody takes a "
            "member's name for one. Please choose another."
        )
    if _uses_the_site_name(pseudonym):
        return (
            f"A pseudonym can't contain the site's own name, “{_site_name()}”: it could be "
            "taken for the site speaking. Please choose another."
        )
    staff_word = _staff_word_in(pseudonym)
    if staff_word:
        return (
            f"“{staff_word}” in a pseudonym could make it look like the forum's staff or a "
            "support service. Please choose a name without it."
        )
    return None
