// The export page's "select all" box. django-import-export wires it with an inline onchange
// attribute, which the portal's Content-Security-Policy (no inline scripts) blocks; the same
// handler (from export_selectable_fields.js) is attached here, from a file.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.removeAttribute("onchange");
    toggle.addEventListener("change", onSelectToggleChange);
  });
});
