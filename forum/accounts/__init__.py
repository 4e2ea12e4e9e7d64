"""Accounts: joining with a pseudonym, logging in and out, recovery codes, and the rules and
records behind a member's account."""
