"""Posting: stories, discussions, replies, edits, deletions, unlinking and reactions."""
