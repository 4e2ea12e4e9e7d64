"""Moderation: the moderators' queue and actions (under /mod, for moderators only), members'
reports, and the public log of everything moderators do."""
