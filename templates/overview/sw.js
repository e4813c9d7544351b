{% autoescape off %}// The portal's service worker (served at /sw.js by unionportal/overview/pwa.py, scope "/").
// It keeps ONLY the app shell: files under the static prefix, and the report form's offline shell (an
// empty form without personal data). No page with confidential data is ever put in its cache: report
// pages, lists, disputes, officers and the admin go to the network and nowhere else.
const CACHE = "{{ cache_name }}";
const SHELL_FILES = {{ shell_files }};
const STATIC_PREFIX = {{ static_prefix }};
const OFFLINE_SHELL = {{ offline_shell }};
const FORM_PAGES = {{ form_pages }};

async function keepOfflineShell(cache) {
  // Only a plain 200 of the shell itself (not a redirect to the login page) is kept.
  const response = await fetch(OFFLINE_SHELL, { credentials: "same-origin", redirect: "manual" });
  if (response.ok && response.type === "basic" && !response.redirected) {
    await cache.put(OFFLINE_SHELL, response);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL_FILES);
      try {
        await keepOfflineShell(cache);
      } catch (error) {
        // Offline or signed out: the shell is kept on a later visit to the form.
      }
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })()
  );
});

function offlinePage() {
  const body =
    '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>当前离线</title></head>' +
    '<body><main style="font-family:sans-serif;padding:1rem"><h1>当前没有网络</h1>' +
    '<p>这个页面需要联网才能查看。离线时仍可以<a href="' + FORM_PAGES[0] + '">填写报送信息</a>，' +
    "联网后自动发送。</p></main></body></html>";
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function navigate(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (url.pathname === OFFLINE_SHELL && response.ok && !response.redirected) {
      const cache = await caches.open(CACHE);
      await cache.put(OFFLINE_SHELL, response.clone());
    }
    return response;
  } catch (error) {
    if (FORM_PAGES.includes(url.pathname)) {
      const shell = await caches.match(OFFLINE_SHELL);
      if (shell) return shell;
    }
    return offlinePage();
  }
}

async function staticFile(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  }
  // Anything else (attachments, charts, JSON) is left to the network and never kept.
});
{% endautoescape %}
