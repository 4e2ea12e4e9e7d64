"""What a search result shows of a post: a few lines of its text around the words that were
found, and those words marked, in its title too.

Made from the post's rendered text stripped to plain words (Markdown's marks don't show), and
safe by construction: every piece of text is escaped, and the only markup added is <mark>
around a matched word. Stored HTML never reaches the page as HTML.

The index matched words by their stems ("grieving" finds "grieve"): a word here is marked
when it stems as a term does, with the algorithm the index uses (forum/search/index.py).
"""

import html
import re
import unicodedata
from collections.abc import Iterable

import nh3
import snowballstemmer
from markupsafe import Markup, escape

from .terms import WORD, SearchQuery

# About three lines on a phone: enough to tell what a post says about the words.
SNIPPET_WORDS = 30
# Words shown before the first word found, so that it isn't read out of its sentence.
LEAD_WORDS = 6
# A post with no words at all (emoji only, say) shows this much of its text.
SNIPPET_CHARACTERS = 200

_MARK = Markup("<mark>{}</mark>")
_ELLIPSIS = "…"


def plain_text(body_html: str) -> str:
    """The words a post shows, without its markup, on one line."""
    return " ".join(html.unescape(nh3.clean(body_html, tags=set())).split())


def _folded(word: str) -> str:
    """Lowercase and without accents: the index folds them too (SQLite), or keeps them
    (PostgreSQL), and marking a word the index didn't match only costs a highlight."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Matcher:
    """Which words of a text a search matched, as its index would say."""

    def __init__(self, query: SearchQuery, algorithm: str) -> None:
        # A stemmer keeps state while it stems: one for each search, never shared by threads.
        self._stemmer = snowballstemmer.stemmer(algorithm)
        self._stems = {self._stem(term): term for term in query.terms}
        last = query.terms[-1] if query.terms else ""
        self._prefixes = (_folded(last), self._stem(last)) if query.prefix else ()
        self._last = last
        # A stem begins as its word does (stemmers change endings): a word whose first letter
        # begins no term is no match, without stemming it.
        self._initials = {term[:1] for term in [*query.terms, *self._stems] if term}
        self._known: dict[str, str | None] = {}

    def _stem(self, word: str) -> str:
        return self._stemmer.stemWord(_folded(word))

    def term_of(self, word: str) -> str | None:
        """The term `word` matches, or None."""
        folded = _folded(word)
        if folded[:1] not in self._initials:
            return None
        if folded not in self._known:
            self._known[folded] = self._match(folded)
        return self._known[folded]

    def _match(self, folded: str) -> str | None:
        stem = self._stemmer.stemWord(folded)
        if stem in self._stems:
            return self._stems[stem]
        if self._prefixes and (
            folded.startswith(self._prefixes[0]) or stem.startswith(self._prefixes[1])
        ):
            return self._last
        return None


def _marked(text: str, words: Iterable[re.Match], matcher: Matcher) -> Markup:
    """`text` escaped, with the words of it that `matcher` matches marked."""
    pieces = []
    done = 0
    for word in words:
        if matcher.term_of(word.group()) is not None:
            pieces += [escape(text[done : word.start()]), _MARK.format(word.group())]
            done = word.end()
    pieces.append(escape(text[done:]))
    return Markup("").join(pieces)


def highlighted(text: str, matcher: Matcher) -> Markup:
    """All of `text` (a title), with the words found marked."""
    return _marked(text, WORD.finditer(text), matcher)


def snippet(text: str, matcher: Matcher) -> Markup:
    """About SNIPPET_WORDS words of `text`, where the most different terms were found close
    together (the beginning, when none was: the post was found by its title)."""
    words = list(WORD.finditer(text))
    if not words:
        shown = text[:SNIPPET_CHARACTERS]
        return escape(shown) + (_ELLIPSIS if len(shown) < len(text) else "")
    terms = [matcher.term_of(word.group()) for word in words]
    # A window that runs past the end starts earlier: a short post is shown whole.
    first = min(_best_start(terms), max(0, len(words) - SNIPPET_WORDS))
    last = min(len(words), first + SNIPPET_WORDS) - 1
    # Whole words as written, with the marks around them ("(word)", "<b>").
    begin = text.rfind(" ", 0, words[first].start()) + 1 if first else 0
    end = text.find(" ", words[last].end()) if last < len(words) - 1 else -1
    end = len(text) if end == -1 else end
    shown = text[begin:end]
    marked = _marked(shown, WORD.finditer(shown), matcher)
    return (
        Markup(_ELLIPSIS if begin else "") + marked + Markup(_ELLIPSIS if end < len(text) else "")
    )


def _best_start(terms: list[str | None]) -> int:
    """The first word of the window of SNIPPET_WORDS words that holds the most different
    terms (then the most words found), starting a few words before one of them."""
    best, best_score = 0, (0, 0)
    for index, term in enumerate(terms):
        if term is None:
            continue
        start = max(0, index - LEAD_WORDS)
        window = [found for found in terms[start : start + SNIPPET_WORDS] if found is not None]
        score = (len(set(window)), len(window))
        if score > best_score:
            best, best_score = start, score
    return best
