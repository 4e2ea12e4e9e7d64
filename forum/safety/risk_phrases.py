"""Does a piece of writing suggest its writer may be at risk? Only answers the question.

The phrases live in content/crisis_phrases.txt, which operators edit; forum.phrases reads and
matches them, as it does every phrase list.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..paths import CONTENT
from ..phrases import PhraseFile, PhraseMatcher, read_sections

PHRASES_FILE = CONTENT / "crisis_phrases.txt"


@dataclass(frozen=True)
class PhraseList(PhraseFile):
    risk: tuple[str, ...]
    """Phrases as written in the file, each of which suggests risk."""
    harmless: tuple[str, ...]
    """Idioms that contain such a phrase but mean no harm."""

    @classmethod
    def parse(cls, text: str, source: str = "phrases") -> "PhraseList":
        lists = read_sections(text, ("risk", "harmless"), source)
        if not lists["risk"]:
            raise ValueError(f"{source}: no phrases under [risk]")
        return cls(tuple(lists["risk"]), tuple(lists["harmless"]))


class Detector:
    """The phrase lists compiled once, and reused."""

    def __init__(self, phrases: PhraseList) -> None:
        self.phrases = phrases
        self._matcher = PhraseMatcher(phrases.risk, phrases.harmless)

    @classmethod
    def from_file(cls, path: Path) -> "Detector":
        return cls(PhraseList.read(path))

    def matched_phrases(self, text: str) -> list[str]:
        """The worrying phrases found in `text`, as the phrase file writes them, in order of
        first appearance."""
        return self._matcher.found(text)

    def may_be_at_risk(self, text: str) -> bool:
        return self._matcher.finds_any(text)


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
