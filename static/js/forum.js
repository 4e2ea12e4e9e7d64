// The forum works without this file. It only smooths what htmx inserts: focus goes where the
// server marked it (a new reply, an inline form), and an inline reply form can be cancelled.
// No inline handlers anywhere: the Content-Security-Policy allows scripts from this site only.

document.addEventListener("htmx:after:settle", () => {
  const target = document.querySelector("[data-focus-here]");
  if (target) {
    target.removeAttribute("data-focus-here");
    target.focus();
  }
});

document.addEventListener("click", (event) => {
  const cancel = event.target.closest("[data-cancel-reply]");
  if (!cancel) return;
  const slot = cancel.closest(".reply-slot");
  const replyLink = slot && slot.previousElementSibling && slot.previousElementSibling.querySelector("a");
  if (slot) slot.replaceChildren();
  if (replyLink) replyLink.focus();
});
