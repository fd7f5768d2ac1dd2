/* Ventanilla workspace: the few lines of script htmx does not cover. */
"use strict";
document.addEventListener("change", async (event) => {
  // Canned response picker: fetch the text filled in for this ticket, insert at the cursor.
  const select = event.target.closest("select[data-canned-target]");
  if (!select || !select.value) return;
  const area = document.getElementById(select.dataset.cannedTarget);
  const response = await fetch(select.value, { credentials: "same-origin" });
  if (response.ok && area) {
    const text = await response.text();
    const at = area.selectionStart ?? area.value.length;
    area.value = area.value.slice(0, at) + text + area.value.slice(area.selectionEnd ?? at);
    area.focus();
  }
  select.value = "";
});
