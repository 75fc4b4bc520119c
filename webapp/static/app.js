// Small improvements over a page that works without JavaScript.
// Loaded as a file (the Content-Security-Policy forbids inline script).
"use strict";

document.addEventListener("keydown", (event) => {
  // "/" puts the cursor in the search box, as on many search sites,
  // unless the reader is already typing somewhere. With an Arabic layout that
  // key types ظ, so the key's place (code "Slash") counts as well as "/".
  if ((event.key !== "/" && event.code !== "Slash") || event.ctrlKey || event.metaKey || event.altKey) return;
  const active = document.activeElement;
  if (active && (active.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName))) return;
  const box = document.getElementById("q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
