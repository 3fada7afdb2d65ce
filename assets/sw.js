// Repère's service worker: the app opens and works with no network after the first visit.
//
// scripts/sw-precache.mjs fills in VERSION (a hash of every precached file) and PRECACHE (their
// paths) at build time. A new release therefore has a new sw.js, which the browser installs in
// the background into a new cache; it waits until the page asks it to take over (message
// "skip-waiting", see app/src/pwa.rs), then deletes the older caches. Old and new files are
// never mixed because each release reads only its own cache.
const VERSION = '__REPERE_VERSION__';
const PRECACHE = __REPERE_PRECACHE__;
const CACHE = `repere-${VERSION}`;

self.addEventListener('install', (event) => {
  // `cache: 'reload'` skips the HTTP cache, so the cache holds exactly this release's files.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k.startsWith('repere-') && k !== CACHE).map((k) => caches.delete(k)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API always goes to the network: sync has its own retries and must see real failures.
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // Every app route renders the same shell.
    event.respondWith(fromCache('/index.html').then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(fromCache(request).then((hit) => hit || fetch(request)));
});

function fromCache(request) {
  return caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true }));
}
