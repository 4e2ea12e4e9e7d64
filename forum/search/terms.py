"""What someone typed into the search box, as plain words an index can look up.

Nothing typed reaches an index's query language: quotes, operators (AND, NEAR, `*`, `-`,
`:`), brackets and punctuation all fall away, and only runs of letters and digits are kept,
lowercased. Each backend then writes those words in its own syntax, quoted (forum/search/
index.py). So no input, however hostile, can be a syntax error, and a long one is cut short
with a notice rather than refused.
"""

import re
import unicodedata
from dataclasses import dataclass

# Enough for any question a person asks; a longer text is searched by its beginning.
MAX_QUERY_LENGTH = 200
# Every word narrows a search (all of them must match): past this many, more only cost time.
MAX_TERMS = 12
# A word still being typed matches the words it begins once it is this long: "anx" finds
# "anxiety" while typing, but "a" doesn't ask the index for every word starting with "a".
MIN_PREFIX_LENGTH = 3

WORD = re.compile(r"[^\W_]+")
PARTIAL_WORD = re.compile(r"[^\W_]+$")

# Words too common to say what a post is about: searching for them would ask for almost every
# post. PostgreSQL's English configuration leaves these out of its queries too (with a few
# more), so both databases answer a question alike.
COMMON_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "if", "so", "as", "than", "then", "too", "very", "of",
    "at", "by", "for", "with", "about", "to", "from", "in", "on", "into", "out", "up", "down",
    "over", "under", "again", "once", "here", "there", "when", "where", "why", "how", "what",
    "which", "who", "whom", "this", "that", "these", "those", "all", "any", "both", "each",
    "some", "such", "no", "nor", "not", "only", "own", "same", "i", "me", "my", "we", "our",
    "ours", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it", "its", "they",
    "them", "their", "theirs", "am", "is", "are", "was", "were", "be", "been", "being", "have",
    "has", "had", "do", "does", "did", "can", "will", "just", "should", "now", "s", "t", "don",
})  # fmt: skip


@dataclass(frozen=True)
class SearchQuery:
    typed: str
    """What was typed, as it was (for the search box): never logged, never stored."""
    searched: str
    """The part of it searched (its first MAX_QUERY_LENGTH characters), for links to more."""
    terms: tuple[str, ...]
    """Plain lowercase words, every one of which a post must contain."""
    prefix: bool
    """The last word was still being typed: it also matches the words it begins."""
    notice: str | None = None
    """What the reader should know about how their words were read."""

    @property
    def asks(self) -> bool:
        """Whether there is anything to look for."""
        return bool(self.terms)


def read_query(typed: str) -> SearchQuery:
    """The words to look for in `typed`: letters and digits only, common words left out,
    at most MAX_TERMS of them, from its first MAX_QUERY_LENGTH characters."""
    notice = None
    searched = typed[:MAX_QUERY_LENGTH]
    if len(typed) > MAX_QUERY_LENGTH:
        if WORD.match(typed, MAX_QUERY_LENGTH):  # cut inside a word: not half of it
            searched = PARTIAL_WORD.sub("", searched)
        notice = f"That was a long search: only its first {MAX_QUERY_LENGTH} characters were used."
    text = unicodedata.normalize("NFKC", searched)
    lowered = text.lower()
    words = WORD.findall(lowered)
    terms = tuple(dict.fromkeys(word for word in words if word not in COMMON_WORDS))
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS]
        notice = f"That was a long search: only its first {MAX_TERMS} words were used."
    if words and not terms:
        notice = "Those words are too common to search for. Please try some that say more."
    # Typing as results come in: the last word is unfinished unless something follows it.
    last = words[-1] if words else ""
    prefix = (
        bool(terms)
        and terms[-1] == last
        and lowered.endswith(last)
        and len(last) >= MIN_PREFIX_LENGTH
    )
    return SearchQuery(typed, searched, terms, prefix, notice)
