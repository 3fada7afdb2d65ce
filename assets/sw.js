// Repère's service worker: the app opens and works with no network after the first visit.
//
// scripts/sw-precache.mjs fills in VERSION (a hash of every file of the release), PRECACHE (the
// residents' app, cached at install), MEDIATION (the mediators' space under /mediation/),
// COORDINATION (the coordinators' space under /coordination/) and REGISTRE (the registry's upkeep
// under /registre/) at build time. Each of the three spaces is cached only on a device that
// opens it: a resident's phone never downloads any of them.
// A new release therefore has a new sw.js, which the browser installs in the background into a
// new cache; it waits until the page asks it to take over (message "skip-waiting", see
// app/src/pwa.rs), then deletes the older caches. Old and new files are never mixed because
// each release reads only its own cache.
const VERSION = '__REPERE_VERSION__';
const PRECACHE = __REPERE_PRECACHE__;
const MEDIATION = __REPERE_MEDIATION__;
const COORDINATION = __REPERE_COORDINATION__;
const REGISTRE = __REPERE_REGISTRE__;
const CACHE = `repere-${VERSION}`;
/** The spaces cached on demand: where they live, their page, their files. */
const SPACES = [
  { path: '/mediation', page: '/mediation/index.html', files: MEDIATION },
  { path: '/coordination', page: '/coordination/index.html', files: COORDINATION },
  { path: '/registre', page: '/registre/index.html', files: REGISTRE },
];

self.addEventListener('install', (event) => {
  // `cache: 'reload'` skips the HTTP cache, so the cache holds exactly this release's files.
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const files = PRECACHE.concat(...(await spacesInUse()).map((space) => space.files));
      await cache.addAll(files.map((url) => new Request(url, { cache: 'reload' })));
    })(),
  );
});

/** The spaces this device uses: an earlier release cached them, or one is open now. */
async function spacesInUse() {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.map((client) => spaceOf(new URL(client.url).pathname));
  const used = [];
  for (const space of SPACES) {
    if (open.includes(space) || (await cachedBefore(space.page))) used.push(space);
  }
  return used;
}

async function cachedBefore(page) {
  for (const key of await caches.keys()) {
    if (key.startsWith('repere-') && key !== CACHE && (await (await caches.open(key)).match(page))) return true;
  }
  return false;
}

/** The space a path belongs to, if any. */
function spaceOf(pathname) {
  return SPACES.find((space) => pathname === space.path || pathname.startsWith(`${space.path}/`));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // A page may have moved to a space while this worker installed, uncontrolled so far: its
      // files were not kept as they came. Fetch them now, before old caches go.
      const used = await spacesInUse();
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k.startsWith('repere-') && k !== CACHE).map((k) => caches.delete(k)));
      await self.clients.claim();
      for (const space of used) await keepMissing(space.files);
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
  // A place's update page is rendered by the server, never by an app: always from the network.
  if (/^\/lieu\/[^/]+\/mise-a-jour$/.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    // Every route of an app renders the same page: the residents' shell, or a space's; the
    // poster page (precached with the residents' files) is a page of its own.
    const poster = url.pathname === '/affiche' || url.pathname.startsWith('/affiche/');
    const page = spaceOf(url.pathname)?.page ?? (poster ? '/affiche/index.html' : '/index.html');
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

/** Fetches; a file of a space is kept, so that the space opens offline from then on. */
function fetchAndKeep(event, request, path) {
  return fetch(request).then((response) => {
    if (response.ok && SPACES.some((space) => space.files.includes(path))) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(path, copy)));
    }
    return response;
  });
}
