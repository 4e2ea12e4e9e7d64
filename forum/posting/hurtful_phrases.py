"""Words that tend to hurt someone who is struggling, and kinder ones to offer instead.

The phrases live in content/hurtful_phrases.txt, which operators edit (its header says how);
forum.phrases reads and matches them, as it does the crisis phrases. Only answers the question:
the reply form decides how to ask, and never refuses a reply.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..paths import CONTENT
from ..phrases import PhraseFile, PhraseMatcher, read_sections
from ..safety.risk_phrases import may_be_at_risk

PHRASES_FILE = CONTENT / "hurtful_phrases.txt"
INSTEAD = "instead:"

# A Markdown blockquote line: quoting what someone was told is not saying it.
_QUOTED_LINE = re.compile(r"^ {0,3}>.*$", re.MULTILINE)


@dataclass(frozen=True)
class Suggestion:
    """What to say instead of `phrases`, the ones of a group of the file a text holds."""

    phrases: tuple[str, ...]
    """As the file writes them, in order of appearance in the text."""
    instead: str


@dataclass(frozen=True)
class HurtfulPhrases(PhraseFile):
    groups: tuple[tuple[tuple[str, ...], str], ...]
    """Each group's phrases, and what the file suggests instead of any of them."""
    harmless: tuple[str, ...]
    """Idioms that contain such a phrase but mean no harm."""

    @classmethod
    def parse(cls, text: str, source: str = "phrases") -> "HurtfulPhrases":
        lists = read_sections(text, ("hurtful", "harmless"), source)
        groups, phrases = [], []
        for line in lists["hurtful"]:
            if not line.lower().startswith(INSTEAD):
                phrases.append(line)
                continue
            instead = line[len(INSTEAD) :].strip()
            if not phrases:
                raise ValueError(f"{source}: {line!r} follows no phrase")
            if not instead:
                raise ValueError(
                    f"{source}: an {INSTEAD!r} line says nothing after {phrases[-1]!r}"
                )
            groups.append((tuple(phrases), instead))
            phrases = []
        if phrases:
            raise ValueError(
                f"{source}: {phrases[-1]!r} has no {INSTEAD!r} line after it saying what to say "
                "instead"
            )
        if not groups:
            raise ValueError(f"{source}: no phrases under [hurtful]")
        return cls(tuple(groups), tuple(lists["harmless"]))


class Suggester:
    """The phrase file compiled once, and reused."""

    def __init__(self, phrases: HurtfulPhrases) -> None:
        self.phrases = phrases
        self._instead = {phrase: instead for group, instead in phrases.groups for phrase in group}
        self._matcher = PhraseMatcher(self._instead, phrases.harmless)

    @classmethod
    def from_file(cls, path: Path) -> "Suggester":
        return cls(HurtfulPhrases.read(path))

    def suggestions(self, text: str) -> list[Suggestion]:
        """A suggestion for each group of phrases `text` holds (outside quoted lines), in the
        order they first appear."""
        found: dict[str, list[str]] = {}
        for phrase in self._matcher.found(_QUOTED_LINE.sub("", text)):
            found.setdefault(self._instead[phrase], []).append(phrase)
        return [Suggestion(tuple(phrases), instead) for instead, phrases in found.items()]


@cache
def default_suggester() -> Suggester:
    """The suggester for the shipped phrase file, read the first time it is needed."""
    return Suggester.from_file(PHRASES_FILE)


def kinder_words(text: str) -> list[Suggestion]:
    """What could be said instead of the hurtful phrases in `text`: none for most replies, and
    none where the words suggest their writer may be at risk ("everyone says get over it, and I
    can't go on"): they speak of their own pain, and what they need is help, not a word on
    their wording."""
    if may_be_at_risk(text):
        return []
    return default_suggester().suggestions(text)
