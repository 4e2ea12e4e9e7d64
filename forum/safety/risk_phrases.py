"""Does a piece of writing suggest its writer may be at risk? Only answers the question.

The phrases live in content/crisis_phrases.txt, which operators edit. Text and phrases are
normalised the same way (case, Unicode compatibility forms, apostrophes, punctuation, spaces),
then one regular expression, compiled once, finds phrases on word boundaries. Both phrase lists
are compiled as tries, so at any place in the text at most one branch can go on matching: the
work is linear in the length of the text, whatever it contains.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..paths import CONTENT

PHRASES_FILE = CONTENT / "crisis_phrases.txt"
SECTIONS = {"[risk]": "risk", "[harmless]": "harmless"}

# Dropped, so that "don't", "don\u2019t" (curly) and "dont" read the same: the straight
# apostrophe, curly quotes, modifier letters, grave and acute accents, and the prime.
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032"))
# Everything that is neither a letter nor a digit separates words: punctuation, hyphens,
# underscores (Markdown emphasis), line breaks. Runs of it become one space.
_SEPARATORS = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, apostrophes dropped, invisible characters
    removed, and words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    # Zero-width and other format characters could otherwise split a word in two.
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return _SEPARATORS.sub(" ", text).strip()


def _trie_pattern(phrases: list[str]) -> str:
    """A regular expression matching exactly `phrases`, in which no two branches at one place
    start with the same character, so matching never tries more than one path at a time."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here

    def pattern(node: dict) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy: the longer phrase first, the one ending here if the longer one fails.
        return f"(?:{inner})?" if ends_here else inner

    return pattern(trie) if trie else "(?!)"


@dataclass(frozen=True)
class PhraseList:
    risk: tuple[str, ...]
    """Phrases as written in the file, each of which suggests risk."""
    harmless: tuple[str, ...]
    """Idioms that contain such a phrase but mean no harm."""

    @classmethod
    def parse(cls, text: str, source: str = "phrases") -> "PhraseList":
        lists: dict[str, list[str]] = {"risk": [], "harmless": []}
        section = None
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                if line.lower() not in SECTIONS:
                    raise ValueError(
                        f"{source}, line {number}: unknown section {line}; "
                        f"use {' or '.join(SECTIONS)}"
                    )
                section = SECTIONS[line.lower()]
                continue
            if section is None:
                raise ValueError(f"{source}, line {number}: a phrase before [risk] or [harmless]")
            if not normalise(line):
                raise ValueError(f"{source}, line {number}: {line!r} has no letters or digits")
            lists[section].append(line)
        if not lists["risk"]:
            raise ValueError(f"{source}: no phrases under [risk]")
        return cls(tuple(lists["risk"]), tuple(lists["harmless"]))

    @classmethod
    def read(cls, path: Path) -> "PhraseList":
        return cls.parse(path.read_text(encoding="utf-8"), str(path))


class Detector:
    """The phrase lists compiled into one regular expression, built once and reused."""

    def __init__(self, phrases: PhraseList) -> None:
        self.phrases = phrases
        # Each normalised phrase stands for the first line of the file that gives it.
        self._written_as: dict[str, str] = {}
        for phrase in phrases.risk:
            self._written_as.setdefault(normalise(phrase), phrase)
        harmless = sorted({normalise(phrase) for phrase in phrases.harmless})
        # At each word, a harmless idiom is tried before a worrying phrase; a match consumes
        # its words, so a phrase inside an idiom that started earlier is passed over.
        self._pattern = re.compile(
            r"\b(?:(?P<harmless>"
            + _trie_pattern(harmless)
            + r")|(?P<risk>"
            + _trie_pattern(sorted(self._written_as))
            + r"))\b"
        )

    @classmethod
    def from_file(cls, path: Path) -> "Detector":
        return cls(PhraseList.read(path))

    def matched_phrases(self, text: str) -> list[str]:
        """The worrying phrases found in `text`, as the phrase file writes them, in order of
        first appearance."""
        found: dict[str, None] = {}
        for match in self._pattern.finditer(normalise(text)):
            if match.lastgroup == "risk":
                found.setdefault(self._written_as[match.group("risk")], None)
        return list(found)

    def may_be_at_risk(self, text: str) -> bool:
        return any(match.lastgroup == "risk" for match in self._pattern.finditer(normalise(text)))


@cache
def default_detector() -> Detector:
    """The detector for the shipped phrase file, read the first time it is needed."""
    return Detector.from_file(PHRASES_FILE)


def may_be_at_risk(text: str) -> bool:
    """True when `text` contains a phrase suggesting its writer may be at risk of harming
    themselves. The caller decides how to respond kindly; nothing here blocks anything."""
    return default_detector().may_be_at_risk(text)


def matched_phrases(text: str) -> list[str]:
    """Which phrases of the phrase file `text` contains (for moderators, never the public)."""
    return default_detector().matched_phrases(text)
