"""Safety: help within reach, kind words for someone who may be at risk, mutes, and a plain
statement of what the forum keeps."""
