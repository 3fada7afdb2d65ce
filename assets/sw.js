// Repère's service worker: the app opens and works with no network after the first visit.
//
// scripts/sw-precache.mjs fills in VERSION (a hash of every file of the release), PRECACHE (the
// residents' app, cached at install) and MEDIATION (the mediators' space under /mediation/,
// cached only on a device that opens it: a resident's phone never downloads it) at build time.
// A new release therefore has a new sw.js, which the browser installs in the background into a
// new cache; it waits until the page asks it to take over (message "skip-waiting", see
// app/src/pwa.rs), then deletes the older caches. Old and new files are never mixed because
// each release reads only its own cache.
const VERSION = '__REPERE_VERSION__';
const PRECACHE = __REPERE_PRECACHE__;
const MEDIATION = __REPERE_MEDIATION__;
const CACHE = `repere-${VERSION}`;
const MEDIATION_PAGE = '/mediation/index.html';

self.addEventListener('install', (event) => {
  // `cache: 'reload'` skips the HTTP cache, so the cache holds exactly this release's files.
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const files = (await usesMediation()) ? PRECACHE.concat(MEDIATION) : PRECACHE;
      await cache.addAll(files.map((url) => new Request(url, { cache: 'reload' })));
    })(),
  );
});

/** A mediator's device: an earlier release cached the mediators' space, or it is open now. */
async function usesMediation() {
  for (const key of await caches.keys()) {
    if (key.startsWith('repere-') && key !== CACHE && (await (await caches.open(key)).match(MEDIATION_PAGE))) return true;
  }
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.some((client) => isMediation(new URL(client.url).pathname));
}

function isMediation(pathname) {
  return pathname === '/mediation' || pathname.startsWith('/mediation/');
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // A page may have moved to the mediators' space while this worker installed, uncontrolled
      // so far: its files were not kept as they came. Fetch them now, before old caches go.
      const mediator = await usesMediation();
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k.startsWith('repere-') && k !== CACHE).map((k) => caches.delete(k)));
      await self.clients.claim();
      if (mediator) await keepMissing(MEDIATION);
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
    // Every route of an app renders the same page: the residents' shell, or the mediators'.
    const page = isMediation(url.pathname) ? MEDIATION_PAGE : '/index.html';
    event.respondWith(fromCache(page).then((hit) => hit || fetchAndKeep(event, request, page)));
    return;
  }
  event.respondWith(fromCache(request).then((hit) => hit || fetchAndKeep(event, request, url.pathname)));
});

/** Caches those of `files` the cache lacks. */
async function keepMissing(files) {
  const cache = await caches.open(CACHE);
  const missing = [];
  for (const url of files) if (!(await cache.match(url))) missing.push(new Request(url, { cache: 'reload' }));
  await cache.addAll(missing);
}

function fromCache(request) {
  return caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true }));
}

/** Fetches; a file of the mediators' space is kept, so that it opens offline from then on. */
function fetchAndKeep(event, request, path) {
  return fetch(request).then((response) => {
    if (response.ok && MEDIATION.includes(path)) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(path, copy)));
    }
    return response;
  });
}
