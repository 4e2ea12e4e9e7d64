// The site's one script, for every page: Quick exit first, then what smooths htmx's answers
// for members (guests get no htmx; those listeners then never fire). One file, one request.
// No inline handlers anywhere: the Content-Security-Policy allows scripts from this site only.

// Quick exit: leave at once for the everyday site the "Quick exit" link points to, replacing
// this page in the history so Back does not return to it. Pressing Escape three times in quick
// succession does the same. Without this file the link still leaves (as an ordinary link).

(() => {
  // Pages may say what this script adds (Back won't return, Escape leaves) only once it runs:
  // until then, and without JavaScript, they say what a plain link does.
  document.documentElement.classList.add("quick-exit-ready");

  const PRESSES = 3;
  const WITHIN_MS = 1500;
  let escapes = [];

  function leave(url) {
    // Blank the page at once: on a slow connection the next site may take a moment to arrive.
    document.documentElement.classList.add("leaving");
    window.location.replace(url);
  }

  function exitLink() {
    return document.querySelector("a[data-quick-exit]");
  }

  // Capture phase, so nothing else on the page can stop it.
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element && event.target.closest("a[data-quick-exit]");
      if (!link || event.button !== 0) return;
      event.preventDefault();
      leave(link.href);
    },
    true,
  );

  window.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape") return;
      const now = performance.now();
      escapes = escapes.filter((then) => now - then < WITHIN_MS);
      escapes.push(now);
      if (escapes.length < PRESSES) return;
      escapes = [];
      const link = exitLink();
      if (link) leave(link.href);
    },
    true,
  );

  // If the browser ever shows this page again from its cache, show it whole.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) document.documentElement.classList.remove("leaving");
  });
})();

// With htmx (members' pages). The forum works without this part. It only smooths what htmx
// inserts: focus goes where the server marked it (a new reply, an inline form) or stays with
// what changed, and an inline reply form can be cancelled.
(() => {
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

  document.addEventListener("click", (event) => {
    const cancel = event.target.closest("[data-cancel-reply]");
    if (!cancel) return;
    const slot = cancel.closest(".reply-slot");
    const replyLink = slot && slot.previousElementSibling && slot.previousElementSibling.querySelector("a");
    if (slot) slot.replaceChildren();
    if (replyLink) replyLink.focus();
  });
})();

// Pieces of the header that keep themselves current (the bell, the moderators' count; see the
// `refreshed` macro): each is asked for again every `data-refresh-every` seconds while the page
// is in sight, and at once when the page comes back into sight after that long. A hidden page
// asks nothing. htmx makes the request on the "forum-refresh" event sent here.
(() => {
  const due = new WeakMap();

  function refresh() {
    if (document.visibilityState !== "visible") return;
    const now = Date.now();
    for (const piece of document.querySelectorAll("[data-refresh-every]")) {
      const every = Number(piece.dataset.refreshEvery) * 1000;
      // A piece just served (or just swapped in) is current: its first turn comes later.
      if (!due.has(piece)) {
        due.set(piece, now + every);
      } else if (now >= due.get(piece)) {
        due.set(piece, now + every);
        piece.dispatchEvent(new CustomEvent("forum-refresh"));
      }
    }
  }

  setInterval(refresh, 1000);
  document.addEventListener("visibilitychange", refresh);
})();
