"""How many tries the account forms allow. Only failed attempts count, so a member who gets it
right is never slowed down; once a limit is reached, even the right password waits, which is
what stops guessing. The privacy page words its promises from these."""

LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
JOIN_LIMIT_PER_ADDRESS = "10 per day"
