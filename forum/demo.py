"""Demo members, stories and nested replies, for trying the forum on a laptop.

Never run by `make run`: a real community starts empty.
"""

from datetime import timedelta

from sqlalchemy import select

from .accounts.pseudonyms import likeness_key
from .database import db, utcnow
from .models import Post, Thread, ThreadKind, User

DEMO_MEMBERS = ["quiet_harbour", "morning-tea", "Wren", "slow_steps", "north_light"]

# (kind, author, anonymous, title, body, replies); a reply is (author, anonymous, body, replies).
DEMO_THREADS = [
    (
        ThreadKind.STORY, "quiet_harbour", False,
        "The first time I told someone I wasn't okay",
        "For months I told everyone I was *fine*. Last week I finally said it out loud to my "
        "sister: I haven't been sleeping, and I don't enjoy anything any more.\n\n"
        "She didn't fix it. She just listened, and then she asked what would help. "
        "I'm writing this because I didn't think saying it would change anything, and it did.",
        [
            ("Wren", False, "Thank you for sharing this. Saying it out loud is so hard.", [
                ("quiet_harbour", False, "It really was. My hands were shaking.", [
                    ("Wren", False, "Mine too, the first time. It gets a little easier.", [
                        ("slow_steps", True, "Reading this thread helped me today.", [
                            ("morning-tea", False, "I'm glad you're here.", [
                                ("slow_steps", True, "Thank you. Really.", [
                                    ("north_light", False, "Sending you both support.", [
                                        ("Wren", False, "This is what this place is for.", []),
                                    ]),
                                ]),
                            ]),
                        ]),
                    ]),
                ]),
            ]),
            ("morning-tea", False, "What you said about her asking what would help: that is "
             "exactly what I needed to hear someone say.", []),
        ],
    ),
    (
        ThreadKind.DISCUSSION, "north_light", False,
        "How do you bring it up with a GP?",
        "I have an appointment next week and I keep rehearsing what to say. "
        "Did anyone find words that worked for them?",
        [
            ("slow_steps", False, "I wrote three sentences on my phone and read them out. "
             "It meant I couldn't back out halfway.", [
                ("north_light", False, "That's a really good idea, thank you.", []),
            ]),
        ],
    ),
    (
        ThreadKind.STORY, "slow_steps", True,
        "Still here, one day at a time",
        "I don't have a neat ending. Some days are better. I started seeing a counsellor in the "
        "spring and I almost cancelled every single session. I didn't.",
        [],
    ),
]  # fmt: skip


def _member(pseudonym: str) -> User:
    # Demo members have no password ("!" is no hash at all): they exist to be read, not
    # logged into.
    user = User(pseudonym=pseudonym, pseudonym_key=likeness_key(pseudonym), password_hash="!")
    db.session.add(user)
    return user


def _add_replies(parent: Post, replies: list, members: dict[str, User]) -> None:
    for author, anonymous, body, below in replies:
        reply = parent.reply(members[author], body, anonymous=anonymous)
        _add_replies(reply, below, members)


def seed_demo() -> bool:
    """Add the demo content; False when it is already there."""
    if db.session.scalar(select(User).where(User.pseudonym_key == likeness_key(DEMO_MEMBERS[0]))):
        return False
    members = {name: _member(name) for name in DEMO_MEMBERS}
    for kind, author, anonymous, title, body, replies in DEMO_THREADS:
        opening = Thread.start(kind, title, body, members[author], anonymous=anonymous)
        _add_replies(opening, replies, members)
    # Spread the demo over the past days so the listing shows its order.
    for age, thread in enumerate(db.session.scalars(select(Thread).where(~Thread.pinned))):
        thread.last_activity_at = utcnow() - timedelta(hours=5 * age + 1)
    return True
