// Small improvements over a page that works without JavaScript.
// Loaded as a file (the Content-Security-Policy forbids inline script).
"use strict";

document.addEventListener("keydown", (event) => {
  // "/" puts the cursor in the search box, as on many search sites,
  // unless the reader is already typing somewhere.
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const active = document.activeElement;
  if (active && (active.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName))) return;
  const box = document.getElementById("q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
