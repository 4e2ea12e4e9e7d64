"""Reading: what guests and members read, from the home listing to a member's profile."""
