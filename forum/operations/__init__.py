"""What the people who run the forum do from the command line, beside serving it: back its
database up, restore a backup, and erase on schedule what the privacy page says goes."""
