// A folded form of the report's page (上报, 回执, 批示) is fetched when its panel is opened:
// <details> … <div data-deferred-form="URL?part=1"><a href="URL">打开表单</a></div>. Without script,
// or when the fetch fails, the link opens the form on a page of its own.
(function () {
  async function load(slot) {
    if (slot.dataset.loading) return;
    slot.dataset.loading = "1";
    const link = slot.querySelector("a");
    try {
      const response = await fetch(slot.dataset.deferredForm, { credentials: "same-origin" });
      // Signed out meanwhile: the answer is the sign-in page, not the form; open the form's own page.
      if (!response.ok || response.redirected) throw new Error(String(response.status));
      const holder = document.createElement("div");
      holder.innerHTML = await response.text();
      const nodes = Array.from(holder.childNodes);
      slot.replaceWith(...nodes);
      nodes.forEach((node) => {
        if (node.querySelectorAll && window.portalCharCounter) {
          node.querySelectorAll("textarea[data-max-chars]").forEach(window.portalCharCounter);
        }
      });
    } catch (error) {
      delete slot.dataset.loading;
      if (link) link.textContent = "表单未能载入（网络中断或登录已过期），点此在新页面打开";
    }
  }
  // "toggle" does not bubble: listen in the capture phase.
  document.addEventListener(
    "toggle",
    (event) => {
      const details = event.target;
      if (!(details instanceof HTMLDetailsElement) || !details.open) return;
      details.querySelectorAll("[data-deferred-form]").forEach(load);
    },
    true,
  );
})();
