"""Settings: a member's own page for their password, profile, preferences, mutes, recovery
codes and data."""
