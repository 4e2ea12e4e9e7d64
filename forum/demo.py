"""Demo members, stories and nested replies, for trying the forum on a laptop.

Never run by `make run`: a real community starts empty. It may be run on a forum that has
members already: a demo name someone holds (or one too close to it) is never taken from them;
the demo member gets a name of its own instead, and the command says which.
"""

import secrets
from datetime import timedelta

from sqlalchemy import select

from .accounts.members import pseudonym_available
from .accounts.pseudonyms import MAX_LENGTH, likeness_key
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


# Demo members have no password ("!" is no hash at all): they exist to be read, not logged into.
NO_PASSWORD = "!"


def _member(pseudonym: str) -> User:
    user = User(
        pseudonym=pseudonym, pseudonym_key=likeness_key(pseudonym), password_hash=NO_PASSWORD
    )
    db.session.add(user)
    db.session.flush()  # so the next demo name is checked against this one too
    return user


def _free_name(name: str) -> str:
    """`name`, or, when a member holds it or one too close to it, a name like it that is free."""
    candidates = [name] + [f"{name}_demo{n if n > 1 else ''}"[:MAX_LENGTH] for n in range(1, 10)]
    for candidate in candidates:
        if pseudonym_available(candidate):
            return candidate
    return f"demo_{secrets.token_hex(4)}"  # nine look-alikes taken: any free name will do


def demo_is_here() -> bool:
    """Whether the demo was added already: its first story, opened by a demo member."""
    return (
        db.session.scalar(
            select(Thread.id)
            .join(Post, Post.thread_id == Thread.id)
            .join(User, Post.author_id == User.id)
            .where(
                Thread.title == DEMO_THREADS[0][3],
                Post.parent_id.is_(None),
                User.password_hash == NO_PASSWORD,
            )
            .limit(1)
        )
        is not None
    )


def _add_replies(parent: Post, replies: list, members: dict[str, User]) -> None:
    for author, anonymous, body, below in replies:
        reply = parent.reply(members[author], body, anonymous=anonymous)
        _add_replies(reply, below, members)


def seed_demo() -> dict[str, str] | None:
    """Add the demo content (the caller commits); None when it is already there. Returns the
    demo names that were taken here, each with the name its demo member got instead."""
    if demo_is_here():
        return None
    members = {name: _member(_free_name(name)) for name in DEMO_MEMBERS}
    for age, (kind, author, anonymous, title, body, replies) in enumerate(DEMO_THREADS):
        opening = Thread.start(kind, title, body, members[author], anonymous=anonymous)
        _add_replies(opening, replies, members)
        # Spread the demo over the past hours so the listing shows its order (its own threads
        # only: a forum's real conversations keep their times).
        db.session.get(Thread, opening.thread_id).last_activity_at = utcnow() - timedelta(
            hours=5 * age + 1
        )
    return {name: user.pseudonym for name, user in members.items() if user.pseudonym != name}
