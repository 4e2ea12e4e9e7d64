"""A feed's entries as an Atom document, written by feedgen."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from ..web.wording import to_the_minute

MIMETYPE = "application/atom+xml"

# XML 1.0 can't carry every character someone may type (U+FFFF, say; control characters are
# dropped from forms already), and lxml refuses a document holding one: they are left out.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# The date of a site's feed with no entry yet: a fixed one, so that the same feed is the same
# document.
NO_ENTRY_YET = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    id: str
    """A permanent address (a thread's or post's own, not one that names a title or a page)."""
    title: str
    link: str
    """Where the post stands, on its page."""
    author: str
    published: datetime
    updated: datetime
    html: str
    """Safe HTML: rendered and sanitised at write time, or the forum's own words."""


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    page: str
    """The page the feed follows."""
    address: str
    """The feed's own."""
    entries: list[Entry]
    since: datetime = NO_ENTRY_YET
    """When there was first something to follow (a thread's start): the date of a feed with no
    entry yet."""


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def atom(feed: Feed) -> bytes:
    """The document, UTF-8; dated when its newest entry was updated. Every moment to the minute,
    as pages give them (Atom writes the seconds: they are zero)."""
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(xml_text(feed.title))
    generator.link(href=feed.page, rel="alternate", type="text/html")
    generator.link(href=feed.address, rel="self", type=MIMETYPE)
    generator.language("en")  # as every page says
    generator.updated(to_the_minute(max((e.updated for e in feed.entries), default=feed.since)))
    for entry in feed.entries:
        item = generator.add_entry(order="append")
        item.id(entry.id)
        item.title(xml_text(entry.title))
        item.link(href=entry.link, rel="alternate", type="text/html")
        item.author(name=xml_text(entry.author))
        item.published(to_the_minute(entry.published))
        item.updated(to_the_minute(entry.updated))
        item.content(xml_text(entry.html), type="html")
    return generator.atom_str()
