// The PWA shell works with no network after one visit, and only because of the service worker.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, SHOTS, axeViolations, copyOfDist, launchBrowser, phoneContext, startServer, storedMeta, waitForControllingWorker, assertNoCspViolations } from './harness.mjs';

const SEED = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8'));

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

async function expectHome(page) {
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /aide pour le numérique/);
  const call = page.locator('header a[href^="tel:"]');
  assert.equal(await call.getAttribute('href'), 'tel:+33567802222');
  assert.match(await call.innerText(), /05 67 80 22 22/);
}

/**
 * A first visit on a phone, against a fresh server (stopped when the test ends, even if it
 * fails), until the page renders and, unless service workers are blocked, one controls it.
 */
async function firstVisit(t, { dist, contextOptions = {}, onRequest } = {}) {
  const server = await startServer({ dist });
  t.after(() => server.stop());
  const context = await phoneContext(chromium.browser, contextOptions);
  // The context sees the service worker's requests too.
  if (onRequest) context.on('request', (request) => onRequest(request.url()));
  const page = await context.newPage();
  await page.goto(server.url);
  await expectHome(page);
  if (contextOptions.serviceWorkers !== 'block') await waitForControllingWorker(page);
  return { server, context, page };
}

test('after one visit the home page renders with the server stopped and the browser offline', async (t) => {
  const requested = [];
  const { server, context, page } = await firstVisit(t, { onRequest: (url) => requested.push(new URL(url).pathname) });
  const placesLine = page.getByText(`${SEED.places.length} lieux d’aide dans la Vienne`);
  await placesLine.waitFor();
  assert.equal(await storedMeta(page, 'registry_version'), SEED.version);
  // The browser's answer to navigator.storage.persist() is remembered, whatever it was.
  for (let tries = 0; typeof (await storedMeta(page, 'storage_persisted')) !== 'boolean'; tries++) {
    assert.ok(tries < 50, 'the persistent-storage answer is stored within 5 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  // A resident's phone never downloads the mediators' or the coordinators' spaces, nor the registry's upkeep (their own bundles).
  const cached = await page.evaluate(async () => (await (await caches.open((await caches.keys())[0])).keys()).map((r) => new URL(r.url).pathname));
  assert.ok(cached.some((p) => p.endsWith('.wasm')) && !cached.some((p) => /^\/(mediation|coordination|registre)/.test(p)), cached.join(' '));
  assert.deepEqual(requested.filter((p) => /^\/(mediation|coordination|registre)/.test(p)), []);

  assert.equal(await server.stop(), 0, 'server stops cleanly on SIGTERM');
  await context.setOffline(true);
  const offline = await page.reload();
  await expectHome(page);
  // Served by the worker from its cache, the page keeps the server's policy (the harness
  // fails the suite on any refusal under it).
  assert.ok(offline.fromServiceWorker());
  assert.match(offline.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval' 'sha256-[^']+'.*frame-ancestors 'none'/);
  const status = page.getByRole('status').filter({ hasText: 'Hors connexion' });
  await status.waitFor();
  await placesLine.waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'offline-home.png'), fullPage: true });
  await context.close();
});

test('control: without the service worker the same offline reload fails', async (t) => {
  const { server, context, page } = await firstVisit(t, { contextOptions: { serviceWorkers: 'block' } });
  await server.stop();
  await context.setOffline(true);
  await assert.rejects(page.reload(), /ERR_INTERNET_DISCONNECTED/);
  await context.close();
});

test('a new release waits until the person accepts it, then replaces the old cache', async (t) => {
  const dist = copyOfDist();
  const { server, context, page } = await firstVisit(t, { dist });
  const [oldCache] = await page.evaluate(() => caches.keys());
  assert.match(oldCache, /^repere-[0-9a-f]{16}$/);

  // Ship a "new release": a service worker with another version.
  const swPath = join(dist, 'sw.js');
  writeFileSync(swPath, readFileSync(swPath, 'utf8').replace(/const VERSION = '[0-9a-f]{16}'/, "const VERSION = 'nouvelle-version'"));
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());

  const banner = page.getByRole('status').filter({ hasText: 'Une nouvelle version de Repère est prête.' });
  await banner.waitFor();
  assert.deepEqual(await page.evaluate(() => caches.keys()).then((k) => k.includes(oldCache)), true, 'old release still serves until accepted');
  await page.screenshot({ path: join(SHOTS, 'update-ready.png') });

  await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'Mettre à jour' }).click()]);
  await expectHome(page);
  await waitForControllingWorker(page);
  assert.deepEqual(await page.evaluate(() => caches.keys()), ['repere-nouvelle-version']);
  assert.equal(await banner.count(), 0);
  await server.stop();
  await context.close();
});
