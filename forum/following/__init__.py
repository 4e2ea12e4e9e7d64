"""Coming back to a conversation: following threads, the replies new since a member's last
visit, and the member's own conversations (/me)."""
