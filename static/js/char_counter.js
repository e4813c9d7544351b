// A live count under every <textarea data-max-chars="N">: "已输入 120 / 5000 字", red when over.
// Nothing is cut off while typing or pasting: the server refuses text over the limit with a message.
(function () {
  function length(text) {
    return Array.from(text).length; // characters as the server counts them (code points)
  }
  function attach(area) {
    const max = parseInt(area.dataset.maxChars, 10);
    if (!max) return;
    const counter = document.createElement("div");
    counter.className = "form-text char-counter";
    counter.setAttribute("aria-live", "polite");
    counter.setAttribute("data-testid", "char-counter");
    area.insertAdjacentElement("afterend", counter);
    const update = () => {
      const n = length(area.value);
      counter.textContent = n > max ? `已输入 ${n} / ${max} 字，超出 ${n - max} 字` : `已输入 ${n} / ${max} 字`;
      counter.classList.toggle("text-danger", n > max);
      counter.classList.toggle("fw-bold", n > max);
    };
    area.addEventListener("input", update);
    // A form reset (e.g. after a report is put in the phone's outbox) fires no input event; the
    // fields change after the event, so count again once it has run.
    if (area.form) area.form.addEventListener("reset", () => setTimeout(update, 0));
    update();
  }
  document.querySelectorAll("textarea[data-max-chars]").forEach(attach);
  window.portalCharCounter = attach; // for forms that arrive after the page (deferred_form.js)
})();
