/* Suggestions panel: "insert link" / "insert text" put the suggestion into the reply. */
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-insert][data-insert-target]");
  if (!button) return;
  const area = document.getElementById(button.dataset.insertTarget);
  if (!area) return;
  const text = button.dataset.insert;
  const at = area.selectionStart ?? area.value.length;
  const end = area.selectionEnd ?? at;
  area.value = area.value.slice(0, at) + text + area.value.slice(end);
  area.focus();
  area.selectionStart = area.selectionEnd = at + text.length;
});
