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
