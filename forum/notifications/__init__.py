"""Notifications, told in the forum only (no email, nothing sent to another host): replies to a
member's posts and in threads they follow, their waiting post approved, a moderator's action on
their post, support summed up, and for listeners, stories still waiting for a first reply.

Posting and moderation tell this package what happened (`telling`), in the transaction of the
event. Members read their notifications at /notifications (`entries`, and `waiting` for
listeners) and in the header's bell (`bell`), which follow the same rules of what is shown and
what is unread (`rules`), and mark them read (`marking`)."""
