// The forum works without this file. It only smooths what htmx inserts: focus goes where the
// server marked it (a new reply, an inline form) or stays with what changed, and an inline
// reply form can be cancelled.
// No inline handlers anywhere: the Content-Security-Policy allows scripts from this site only.

const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

function focusOn(element) {
  if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
  element.focus({ preventScroll: true });
}

// What had focus when an answer came in. htmx itself puts focus back on an element with the
// same id after a swap (a reaction button); when the focused control is gone without a
// successor (a moderator's Remove button, replaced by the tombstone), focus goes to what
// replaced it, never back to the top of the page.
let focusedBeforeSwap = null;

// A mark in the page as first served means nothing: only what htmx inserts is focused.
for (const stale of document.querySelectorAll("[data-focus-here]")) {
  stale.removeAttribute("data-focus-here");
}

document.addEventListener("htmx:before:swap", () => {
  const active = document.activeElement;
  focusedBeforeSwap = active && active !== document.body ? active : null;
});

document.addEventListener("htmx:after:settle", (event) => {
  dropRepliesShownTwice();
  const changed = event.detail && event.detail.task && event.detail.task.target;
  const scope = changed && changed.isConnected ? changed : null;
  const marked = scope && (scope.matches("[data-focus-here]") ? scope : scope.querySelector("[data-focus-here]"));
  if (marked) {
    marked.removeAttribute("data-focus-here");
    focusOn(marked);
    return;
  }
  const lost = focusedBeforeSwap && !focusedBeforeSwap.isConnected;
  const active = document.activeElement;
  if (lost && scope && scope !== document.body && (!active || active === document.body)) {
    focusOn(scope);
  }
});

// A reply sent with htmx to the opening post of a long thread goes at the end of the replies
// shown so far, past "Show more replies"; the last page of replies brings it again, in its
// place. The one in its place stays.
function dropRepliesShownTwice() {
  const seen = new Set();
  for (const post of document.querySelectorAll("article.post[id]")) {
    if (!seen.has(post.id)) {
      seen.add(post.id);
      continue;
    }
    const item = post.closest("li");
    if (item) item.remove();
  }
}

document.addEventListener("click", (event) => {
  const cancel = event.target.closest("[data-cancel-reply]");
  if (!cancel) return;
  const slot = cancel.closest(".reply-slot");
  const replyLink = slot && slot.previousElementSibling && slot.previousElementSibling.querySelector("a");
  if (slot) slot.replaceChildren();
  if (replyLink) replyLink.focus();
});
