"""Finding listed phrases in what people write: the one matcher behind every phrase list in
content/ (phrases suggesting a writer may be at risk, phrases that tend to hurt).

A phrase file is plain text in [sections] that operators edit. Text and phrases are
normalised the same way (case, Unicode compatibility forms, apostrophes, punctuation, spaces),
then one regular expression, compiled once, finds phrases on word boundaries. Both the phrases
and the harmless idioms passed over are compiled as tries, so at any place in the text at most
one branch can go on matching: the work is linear in the length of the text, whatever it
contains.
"""

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Self

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


class PhraseFile:
    """What a phrase file says, parsed: each kind of file says how (`parse`)."""

    @classmethod
    def parse(cls, text: str, source: str = "phrases") -> Self:
        raise NotImplementedError

    @classmethod
    def read(cls, path: Path) -> Self:
        """The file at `path`, parsed; a mistake in it is a ValueError naming the file."""
        return cls.parse(path.read_text(encoding="utf-8"), str(path))


def read_sections(text: str, sections: Iterable[str], source: str) -> dict[str, list[str]]:
    """The lines of a phrase file under each of its `sections` ("risk" for a [risk] heading),
    comments and blank lines left out. A heading that isn't one of them, or a line before the
    first heading, is a ValueError naming the file and line."""
    names = list(sections)
    lines: dict[str, list[str]] = {name: [] for name in names}
    headings = " or ".join(f"[{name}]" for name in names)
    section = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line[1:-1].lower() if line.endswith("]") else None
            if section not in lines:
                raise ValueError(f"{source}, line {number}: unknown section {line}; use {headings}")
            continue
        if section is None:
            raise ValueError(f"{source}, line {number}: a phrase before {headings}")
        if not normalise(line):
            raise ValueError(f"{source}, line {number}: {line!r} has no letters or digits")
        lines[section].append(line)
    return lines


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


class PhraseMatcher:
    """`phrases` and the `harmless` idioms that contain some of them, compiled once into one
    regular expression. Where an idiom starts at or before a phrase's words, the whole idiom is
    passed over ("cut myself shaving"); a phrase starting before an idiom still counts."""

    def __init__(self, phrases: Iterable[str], harmless: Iterable[str] = ()) -> None:
        # Each normalised phrase stands for the first of `phrases` that gives it.
        self._written_as: dict[str, str] = {}
        for phrase in phrases:
            self._written_as.setdefault(normalise(phrase), phrase)
        idioms = sorted({normalise(idiom) for idiom in harmless})
        # At each word, a harmless idiom is tried before a phrase; a match consumes its words,
        # so a phrase inside an idiom that started earlier is passed over.
        self._pattern = re.compile(
            r"\b(?:(?P<harmless>"
            + _trie_pattern(idioms)
            + r")|(?P<phrase>"
            + _trie_pattern(sorted(self._written_as))
            + r"))\b"
        )

    def found(self, text: str) -> list[str]:
        """The phrases in `text`, as they were given, in order of first appearance."""
        seen: dict[str, None] = {}
        for match in self._pattern.finditer(normalise(text)):
            if match.lastgroup == "phrase":
                seen.setdefault(self._written_as[match.group("phrase")], None)
        return list(seen)

    def finds_any(self, text: str) -> bool:
        """Whether `text` holds any of the phrases (stops at the first)."""
        return any(match.lastgroup == "phrase" for match in self._pattern.finditer(normalise(text)))
