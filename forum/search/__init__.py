"""Search: finding what was said, in the posts and titles a reader may see, without ever
keeping what anyone searched for."""
