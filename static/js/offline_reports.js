// Reporting without signal (officers' pages only; see docs/user-guide-officer.md, 离线报送).
// - Registers the service worker (/sw.js): it keeps the app shell and the empty report form.
// - The new-report form (form[data-offline-drafts]) is kept on the phone as it is typed: the fields
//   and the chosen photos (as Blobs) in IndexedDB, restored when the form is opened again.
// - 报送 without a connection puts the report in the outbox ("待发送 N 条" on every officer page);
//   when the connection returns (the online event, and on every page load) the outbox is sent in
//   order by fetch() to the outbox endpoint, each report with its own one-time key (a retry or a
//   second send creates nothing) and the moment 报送 was pressed (client_submitted_at).
// - Signing out deletes all of it (and the server answers with Clear-Site-Data as well).
(function () {
  const DB_NAME = "unionportal-offline";
  const DRAFT_ID = "new-report";
  const SKIPPED = new Set(["csrfmiddlewaretoken", "submission_key", "attachments", "submit", "draft"]);
  let sending = false;

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("drafts", { keyPath: "id" });
        db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(name, mode, work) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(name, mode);
        let result;
        const request = work(tx.objectStore(name));
        if (request) request.onsuccess = () => (result = request.result);
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const outboxAll = () => withStore("outbox", "readonly", (s) => s.getAll());
  const outboxPut = (entry) => withStore("outbox", "readwrite", (s) => s.put(entry));
  const outboxAdd = (entry) => withStore("outbox", "readwrite", (s) => s.add(entry));
  const outboxDelete = (seq) => withStore("outbox", "readwrite", (s) => s.delete(seq));
  const draftGet = () => withStore("drafts", "readonly", (s) => s.get(DRAFT_ID));
  const draftPut = (draft) => withStore("drafts", "readwrite", (s) => s.put(draft));
  const draftDelete = () => withStore("drafts", "readwrite", (s) => s.delete(DRAFT_ID));

  function newKey() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // ---- the banner ------------------------------------------------------------------------------
  async function showOutbox(sentNow) {
    const banner = document.querySelector("[data-outbox-banner]");
    if (!banner) return;
    let entries = [];
    try {
      entries = await outboxAll();
    } catch (error) {
      return;
    }
    const refused = entries.filter((e) => e.refused);
    if (entries.length) {
      let text = `待发送 ${entries.length} 条`;
      text += navigator.onLine ? "，正在发送…" : "：当前没有网络，联网后自动发送，请不要退出登录。";
      if (refused.length) text += ` 其中 ${refused.length} 条未能发送：${refused[0].refused}`;
      banner.textContent = text;
      banner.className = "alert alert-warning";
      banner.hidden = false;
    } else if (sentNow) {
      banner.textContent = `待发送的 ${sentNow} 条信息已发送`;
      banner.className = "alert alert-success";
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
  }

  // ---- sending the outbox, in order ------------------------------------------------------------
  async function sendOutbox() {
    if (sending || !navigator.onLine) return;
    const form = document.querySelector("form[data-outbox-url]");
    const url = (form && form.dataset.outboxUrl) || "/reports/new/outbox/";
    sending = true;
    let sent = 0;
    try {
      const entries = (await outboxAll()).sort((a, b) => a.seq - b.seq);
      for (const entry of entries) {
        if (entry.refused) continue;
        const body = new FormData();
        for (const [name, value] of entry.fields) body.append(name, value);
        for (const file of entry.files || []) body.append("attachments", file, file.name);
        body.append("submission_key", entry.key);
        body.append("client_submitted_at", entry.clientSubmittedAt);
        body.append("submit", "1");
        let response;
        try {
          response = await fetch(url, {
            method: "POST",
            body,
            credentials: "same-origin",
            redirect: "manual",
            headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
          });
        } catch (error) {
          break; // no connection after all: the rest waits, in order
        }
        if (response.ok) {
          await outboxDelete(entry.seq);
          sent += 1;
        } else if (response.status === 400) {
          const answer = await response.json().catch(() => ({}));
          entry.refused = answer.message || "信息未能保存，请重新填写";
          await outboxPut(entry);
        } else {
          break; // signed out, or the server is down: try again later
        }
      }
    } finally {
      sending = false;
    }
    await showOutbox(sent);
  }

  // ---- the form kept as it is typed ------------------------------------------------------------
  function fieldsOf(form) {
    const fields = [];
    for (const el of form.elements) {
      if (!el.name || SKIPPED.has(el.name) || el.type === "file" || el.type === "submit") continue;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      fields.push([el.name, el.value]);
    }
    return fields;
  }

  function filesOf(form) {
    const input = form.querySelector("input[type=file][name=attachments]");
    return input && input.files ? Array.from(input.files) : [];
  }

  function restore(form, draft) {
    const values = new Map(draft.fields);
    for (const el of form.elements) {
      if (!el.name || !values.has(el.name)) continue;
      if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === values.get(el.name);
      else el.value = values.get(el.name);
    }
    const input = form.querySelector("input[type=file][name=attachments]");
    if (input && draft.files && draft.files.length && self.DataTransfer) {
      const transfer = new DataTransfer();
      draft.files.forEach((file) => transfer.items.add(file));
      input.files = transfer.files;
    }
    form.querySelectorAll("input[name=urgency]:checked, select, textarea").forEach((el) => {
      el.dispatchEvent(new Event("input", { bubbles: false }));
      el.dispatchEvent(new Event("change", { bubbles: false }));
    });
  }

  function nowForInput() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function notice(form, text, kind) {
    let box = form.querySelector("[data-offline-notice]");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("data-offline-notice", "");
      box.setAttribute("role", "status");
      form.prepend(box);
    }
    box.className = `alert alert-${kind}`;
    box.textContent = text;
  }

  function missing(form) {
    const get = (name) => (form.querySelector(`[name=${name}]`) || {}).value || "";
    const urgency = form.querySelector("input[name=urgency]:checked");
    if (!get("category")) return "请选择信息类别";
    if (!get("occurred_at")) return "请填写发生时间";
    if (!get("content").trim()) return "请填写信息内容";
    if (urgency && urgency.value === "emergency" && !get("township")) return "突发信息请选择事发地所在的镇区街道";
    return "";
  }

  async function keepDrafts(form) {
    let draft = null;
    try {
      draft = await draftGet();
    } catch (error) {
      return; // no IndexedDB (a private window on some phones): the form works online as before
    }
    const refusedByServer = form.querySelector(".is-invalid, .alert-danger");
    if (draft && !refusedByServer) restore(form, draft);
    else if (form.hasAttribute("data-offline-shell")) {
      const when = form.querySelector("[name=occurred_at]");
      if (when) when.value = nowForInput();
    }
    let key = (draft && draft.key) || newKey();
    const save = () => draftPut({ id: DRAFT_ID, key, fields: fieldsOf(form), files: filesOf(form) }).catch(() => {});
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    form.addEventListener("submit", async (event) => {
      const button = event.submitter;
      if (navigator.onLine) {
        // Sent the ordinary way; a page kept offline may hold an old token: use the cookie's.
        const token = form.querySelector("input[name=csrfmiddlewaretoken]");
        if (token && csrfToken()) token.value = csrfToken();
        draftDelete().catch(() => {});
        return;
      }
      event.preventDefault();
      if (!button || button.name !== "submit") {
        notice(form, "当前没有网络。填写的内容已保存在本机，联网后可以继续。", "info");
        return;
      }
      const problem = missing(form);
      if (problem) {
        notice(form, problem, "danger");
        return;
      }
      await outboxAdd({
        key,
        fields: fieldsOf(form),
        files: filesOf(form),
        clientSubmittedAt: new Date().toISOString(),
      });
      await draftDelete();
      key = newKey();
      form.reset();
      const when = form.querySelector("[name=occurred_at]");
      if (when) when.value = nowForInput();
      notice(form, "已存入待发送，联网后自动发送。", "success");
      await showOutbox(0);
      window.scrollTo(0, 0);
    });
  }

  // ---- signing out clears the phone ------------------------------------------------------------
  async function clearPhone() {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    if (self.caches) {
      for (const name of await caches.keys()) await caches.delete(name);
    }
  }

  document.querySelectorAll("form[data-logout]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.cleared) return;
      event.preventDefault();
      const waiting = await outboxAll().catch(() => []);
      if (waiting.length && !window.confirm(`还有 ${waiting.length} 条待发送的信息，退出后将从本机删除。确定退出吗？`)) {
        return;
      }
      await clearPhone().catch(() => {});
      form.dataset.cleared = "1";
      form.submit();
    });
  });

  // ---- start -----------------------------------------------------------------------------------
  const worker = document.querySelector("meta[name=service-worker]");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker.content, { scope: "/" }).catch(() => {});
  }
  window.addEventListener("online", sendOutbox);
  window.addEventListener("offline", () => showOutbox(0));
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form[data-offline-drafts]");
    if (form) keepDrafts(form);
    showOutbox(0).then(sendOutbox);
  });
})();
