"""Atom feeds, for following the forum from a feed reader without an account: new threads, new
stories, and each thread's replies. A feed shows what a guest may see, whoever asks for it: it
is read away from the site, and passed on."""
