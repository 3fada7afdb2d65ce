// What every end-to-end test needs: a real repere-server on a free loopback port, serving a
// built dist/, and Debian's Chromium driven by playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const SERVER_BIN = process.env.REPERE_SERVER_BIN || join(ROOT, 'target/server/repere-server');
export const DIST = process.env.REPERE_DIST || join(ROOT, 'dist');
export const SHOTS = join(ROOT, 'target/e2e');
mkdirSync(SHOTS, { recursive: true });

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** A private copy of dist/, so a test may change files (e.g. to ship a "new release"). */
export function copyOfDist() {
  const dir = mkdtempSync(join(tmpdir(), 'repere-dist-'));
  cpSync(DIST, dir, { recursive: true });
  return dir;
}

/**
 * Starts repere-server and resolves once /api/v1/health answers. Give `dataDir` (and `port`) to
 * restart a server on the database of an earlier one.
 */
export async function startServer({ dist = DIST, port, dataDir } = {}) {
  port ??= await freePort();
  dataDir ??= mkdtempSync(join(tmpdir(), 'repere-db-'));
  const database = join(dataDir, 'repere.sqlite');
  const child = spawn(SERVER_BIN, ['--addr', `127.0.0.1:${port}`, '--dist', dist, '--database', database], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let logs = '';
  child.stderr.on('data', (d) => (logs += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`repere-server exited (${child.exitCode}):\n${logs}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`repere-server did not answer in 15 s:\n${logs}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    dataDir,
    /** Publishes a registry file with the server's own command; what it printed. */
    publishRegistry(file) {
      return execFileSync(SERVER_BIN, ['--database', database, 'publish-registry', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    },
    /** A one-time enrolment code for `structure`, made by the server's own command. */
    enrolmentCode(structure) {
      return execFileSync(SERVER_BIN, ['--database', database, 'enrol', '--structure', structure], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    },
    /** SIGTERM and wait for a clean exit; safe to call again (tests also call it when they fail). */
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

/** Debian's Chromium, and the flags this closed network needs (headless). */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Headless Debian Chromium with the flags this closed network needs. */
export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'repere-chromium-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return { browser, close: async () => { await browser.close(); rmSync(userDataDir, { recursive: true, force: true }); } };
}

/**
 * What the browser refused under the server's Content-Security-Policy, in any page of any
 * context made here. The app must run without one refusal: each suite ends with
 * `after(assertNoCspViolations)`.
 */
const cspViolations = [];
export function assertNoCspViolations() {
  assert.deepEqual(cspViolations, [], 'the app runs under its Content-Security-Policy without a refusal');
}

/** A phone-sized context, as most residents use. */
export async function phoneContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'fr-FR', ...options });
  context.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return context;
}

/**
 * Resolves once a service worker is `activated` and controls the page. `serviceWorker.ready`
 * alone can resolve while the worker is still `activating`.
 */
export async function waitForControllingWorker(page) {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (worker.state !== 'activated') {
      await new Promise((r) => worker.addEventListener('statechange', () => worker.state === 'activated' && r()));
    }
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
}

/** The value the app keeps under `key` in its IndexedDB `meta` store. */
export function storedMeta(page, key) {
  return page.evaluate(
    (key) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('repere');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get(key);
          get.onsuccess = () => {
            resolve(get.result);
            open.result.close();
          };
          get.onerror = () => reject(get.error);
        };
      }),
    key,
  );
}

/** A typical contact, as a trained mediator logs it in the mediators' space; returns the number of taps. */
export async function logContact(page) {
  const taps = [
    page.getByLabel('Aide aux démarches administratives'),
    page.getByLabel('70 ans et plus'),
    page.getByLabel('Retraité'),
    page.getByRole('button', { name: 'Enregistrer le contact' }),
  ];
  for (const target of taps) await target.click();
  await page.getByText('Contact enregistré sur ce téléphone.').waitFor();
  return taps.length;
}

/**
 * « Proposer une correction » in the mediators' space: the place found by typing `search`, the
 * first suggestion taken, its phone typed as people write it; returns the place's name as shown.
 */
export async function proposePhone(page, search, telephone) {
  await page.getByRole('button', { name: 'Proposer une correction' }).click();
  const form = page.locator('form.proposal');
  await form.getByLabel('Lieu à corriger (nom ou commune)').fill(search);
  const first = form.locator('.suggestions button').first();
  const name = await first.innerText();
  await first.click();
  await form.getByLabel('Téléphone', { exact: true }).fill(telephone);
  await form.getByRole('button', { name: 'Enregistrer la proposition' }).click();
  await page.getByText('Proposition enregistrée sur ce téléphone. Elle partira avec les contacts.').waitFor();
  return name;
}

/** « Proposer un nouveau lieu » with `fields` (label → text), saved. */
export async function proposeNewPlace(page, fields) {
  await page.getByRole('button', { name: 'Proposer un nouveau lieu' }).click();
  const form = page.locator('form.proposal');
  for (const [label, text] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(text);
  await form.getByRole('button', { name: 'Enregistrer la proposition' }).click();
  await page.getByText('Proposition enregistrée sur ce téléphone. Elle partira avec les contacts.').waitFor();
}

/** The mediators' count of what waits: "2 contacts et 1 proposition en attente d’envoi". */
export function pendingWords(contacts, proposals = 0) {
  const plural = (n, word) => `${n} ${word}${n > 1 ? 's' : ''}`;
  if (contacts === 0 && proposals === 0) return 'Tout est envoyé.';
  const parts = [contacts && plural(contacts, 'contact'), proposals && plural(proposals, 'proposition')].filter(Boolean);
  return `${parts.join(' et ')} en attente d’envoi`;
}

/** Waits until the mediators' space shows `n` contacts waiting to be sent. */
export async function pending(page, n, timeout = 15_000) {
  const text = n === 0 ? 'Tout est envoyé.' : n === 1 ? '1 contact en attente d’envoi' : `${n} contacts en attente d’envoi`;
  await page.getByText(text, { exact: true }).waitFor({ timeout });
}

/** Runs axe-core on the page and returns its violations (id, impact, the nodes' selectors). */
export async function axeViolations(page) {
  // Evaluated, not added as a <script>: the page's CSP allows no inline script, rightly.
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}
