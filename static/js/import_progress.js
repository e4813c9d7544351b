// The import page's progress bar: polls the job's status (a small JSON answer) and reloads the page
// once the job stops running, to show the preview, the bad rows or the result. A file, not an
// inline script: the portal's Content-Security-Policy allows none.
(function () {
  const box = document.querySelector("[data-import-progress]");
  if (!box) {
    return;
  }
  const bar = box.querySelector("progress");
  const checked = box.querySelector('[data-field="checked"]');
  const written = box.querySelector('[data-field="written"]');
  const poll = () => {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((status) => {
        if (!status.running) {
          window.location.reload();
          return;
        }
        bar.max = status.total || 1;
        bar.value = status.written > 0 ? status.written : status.checked;
        checked.textContent = status.checked;
        written.textContent = status.written;
        window.setTimeout(poll, 1500);
      })
      .catch(() => window.setTimeout(poll, 5000));
  };
  window.setTimeout(poll, 1000);
})();
