// Fault drill: the mediator's browser killed (SIGKILL of the whole Chromium) in the middle of a
// push, then relaunched on the same profile and reopened, again and again, against a real
// repere-server. Prints figures; exits 1 if a contact is lost, doubled or stuck. Run by
// scripts/drill-browser after a release build (dist/ and target/server/repere-server).
//
// Each cycle: open the mediators' space, log 1 to 3 contacts offline (their ids read from the
// outbox in IndexedDB) and, in every other round of the four moments, a proposal to change a
// place's phone (issue #15: the same outbox and push), come back online so the app pushes, and
// kill the browser at one of four moments, in turn:
//   before   the push is held by Playwright's routing and never reaches the server;
//   stored   the server stores the push (Playwright fetches it), the answer never comes back;
//   sent+δ   a random 0-40 ms after the push leaves: before, during or after the server's
//            transaction, or while the app deletes the acknowledged ids;
//   online+δ a random 0-150 ms after the network returns: while the app marks the records sent,
//            during the push, or after.
// At the end the phone syncs, and the server's database (read with scripts/stored-contacts: its
// contacts and proposals) must hold exactly the ids the phone made.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, logContact, pending, proposePhone, startServer, storedMeta } from '../e2e/harness.mjs';

const { values } = parseArgs({ options: { cycles: { type: 'string', default: '200' } } });
const CYCLES = Number(values.cycles);
const MOMENTS = ['before', 'stored', 'sent+δ', 'online+δ'];
const STRUCTURE = 'Exercice de panne';
const PUSH = '**/api/v1/contacts';

/**
 * Chromium on `profile`, in a process group of its own so that one SIGKILL takes the browser and
 * all its children, as when a phone's system kills the app. Playwright attaches over CDP.
 */
async function launch(profile) {
  rmSync(join(profile, 'DevToolsActivePort'), { force: true });
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  let log = '';
  const endpoint = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      log = (log + d).slice(-10_000);
      const found = log.match(/DevTools listening on (ws:\/\/\S+)/);
      if (found) resolve(found[1]);
    });
    exited.then((code) => reject(new Error(`Chromium exited (${code}):\n${log}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async kill() {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await exited;
    },
  };
}

/** The ids in the app's outbox on disk. */
function outboxIds(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('repere');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const keys = open.result.transaction('outbox').objectStore('outbox').getAllKeys();
          keys.onsuccess = () => {
            resolve(keys.result);
            open.result.close();
          };
          keys.onerror = () => reject(keys.error);
        };
      }),
  );
}

/** The rows the server's database holds, [id, device, seq] (it may be serving: SQLite's WAL lets a reader in). */
function storedRows(database) {
  return execFileSync(join(ROOT, 'scripts/stored-contacts'), [database], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}

const random = (min, max) => min + Math.random() * (max - min);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = await startServer();
const database = join(server.dataDir, 'repere.sqlite');
const profile = mkdtempSync(join(tmpdir(), 'repere-drill-profile-'));
const made = new Set();
const proposals = new Set();
const figures = {
  cycles: CYCLES,
  kills: Object.fromEntries(MOMENTS.map((m) => [m, 0])),
  'kills with no push within 10 s': 0,
  'contacts logged': 0,
  'contacts made (ids in the outbox)': 0,
  'proposals made (ids in the outbox)': 0,
  'contacts and proposals re-sent that the server already held (answer lost)': 0,
};
const pageErrors = [];
const cycleTimes = [];
let storedAtLastKill = new Set();
const resentHeld = new Set();
let phone; // the browser running now, killed in the end whatever happens

/** Opens the mediators' space on a (re)launched browser; the app syncs what is queued. */
async function open(phone) {
  phone.page.on('pageerror', (e) => pageErrors.push(e.message));
  phone.context.on('request', (request) => {
    if (request.method() !== 'POST' || !request.url().endsWith('/api/v1/contacts')) return;
    const push = JSON.parse(request.postData() ?? '{"contacts":[]}');
    for (const c of [...push.contacts, ...(push.proposals ?? [])]) if (storedAtLastKill.has(c.id)) resentHeld.add(c.id);
  });
  await phone.page.goto(`${server.url}/mediation/`);
}

try {
  const started = Date.now();
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const cycleStarted = Date.now();
    const moment = MOMENTS[cycle % MOMENTS.length];
    phone = await launch(profile);
    const { context, page } = phone;
    await open(phone);
    if (cycle === 0) {
      await page.getByLabel('Code d’inscription').fill(server.enrolmentCode(STRUCTURE));
      await page.getByRole('button', { name: 'Inscrire ce téléphone' }).click();
    }
    await page.getByText(`Structure : ${STRUCTURE}`).waitFor();
    await page.getByText(/^(Tout est envoyé\.|.+ en attente d’envoi)$/).waitFor();

    await context.setOffline(true);
    for (let n = 1 + (cycle % 3); n > 0; n--) {
      const before = new Set(await outboxIds(page));
      await logContact(page);
      const fresh = (await outboxIds(page)).filter((id) => !before.has(id));
      if (fresh.length !== 1) throw new Error(`one save put ${fresh.length} new contacts in the outbox`);
      made.add(fresh[0]);
      figures['contacts logged']++;
    }
    if (Math.floor(cycle / MOMENTS.length) % 2 === 1) {
      const before = new Set(await outboxIds(page));
      await proposePhone(page, 'Civray', `05 49 ${String(cycle).padStart(6, '0').replace(/(\d\d)(?=\d)/g, '$1 ')}`);
      const fresh = (await outboxIds(page)).filter((id) => !before.has(id));
      if (fresh.length !== 1) throw new Error(`one proposal put ${fresh.length} new records in the outbox`);
      made.add(fresh[0]);
      proposals.add(fresh[0]);
    }

    let trigger;
    const killNow = new Promise((r) => (trigger = r));
    if (moment === 'before') {
      await context.route(PUSH, () => trigger());
    } else if (moment === 'stored') {
      await context.route(PUSH, async (route) => {
        try {
          await route.fetch();
        } catch {
          /* the browser died first */
        }
        trigger();
      });
    } else if (moment === 'sent+δ') {
      context.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/v1/contacts') && setTimeout(trigger, random(0, 40)));
    }
    await context.setOffline(false);
    if (moment === 'online+δ') setTimeout(trigger, random(0, 150));
    if ((await Promise.race([killNow.then(() => true), sleep(10_000).then(() => false)])) === false) {
      figures['kills with no push within 10 s']++;
    }
    await phone.kill();
    figures.kills[moment]++;
    storedAtLastKill = new Set(storedRows(database).map(([id]) => id));
    cycleTimes.push(Date.now() - cycleStarted);
  }
  figures['s killing, total'] = Math.round((Date.now() - started) / 1000);

  // Everything syncs on a last, undisturbed opening.
  phone = await launch(profile);
  await open(phone);
  let stuck = 0;
  try {
    await pending(phone.page, 0, 60_000);
  } catch {
    stuck = (await outboxIds(phone.page)).length;
    // What the mediator would read: the reason the outbox does not empty.
    figures['the page says, when stuck'] = (await phone.page.locator('section').filter({ hasText: 'Envoi' }).first().innerText()).replace(/\s+/g, ' ');
  }
  const bearer = JSON.parse(await storedMeta(phone.page, 'device')).token;
  const answered = await fetch(`${server.url}/api/v1/contacts/count`, { headers: { Authorization: `Bearer ${bearer}` } });
  figures['the server counts'] = (await answered.json()).count;
  await phone.kill();
  await server.stop({ keepData: true });

  const rows = storedRows(database);
  const stored = new Map();
  for (const [id] of rows) stored.set(id, (stored.get(id) ?? 0) + 1);
  figures['contacts made (ids in the outbox)'] = made.size - proposals.size;
  figures['proposals made (ids in the outbox)'] = proposals.size;
  figures['proposals stored'] = [...proposals].filter((id) => stored.has(id)).length;
  figures['contacts and proposals re-sent that the server already held (answer lost)'] = resentHeld.size;
  figures['rows stored'] = rows.length;
  figures['lost (made, not stored)'] = [...made].filter((id) => !stored.has(id)).length;
  figures['doubled (stored twice, or never made)'] =
    [...stored.values()].reduce((sum, n) => sum + n - 1, 0) + [...stored.keys()].filter((id) => !made.has(id)).length +
    (figures['contacts logged'] + proposals.size - made.size);
  figures['stuck in the outbox after the last sync'] = stuck;
  // Ids carry exactly-once; a device's sequence numbers must not repeat either (they once
  // restarted at 1 whenever the app reopened on an empty outbox).
  figures['device sequence numbers stored more than once'] = rows.length - new Set(rows.map(([, device, seq]) => `${device} ${seq}`)).size;
  figures['page errors'] = pageErrors.length;
  const sorted = [...cycleTimes].sort((a, b) => a - b);
  figures['s per cycle (median, max)'] = [sorted[sorted.length >> 1] / 1000, sorted[sorted.length - 1] / 1000];
} finally {
  await phone?.kill();
  await server.stop();
  rmSync(profile, { recursive: true, force: true });
}

console.log('drill-browser:');
for (const [key, value] of Object.entries(figures)) console.log(`  ${key}: ${JSON.stringify(value)}`);
for (const e of pageErrors) console.log(`  page error: ${e}`);
const failed = [
  'lost (made, not stored)', 'doubled (stored twice, or never made)', 'stuck in the outbox after the last sync',
  'kills with no push within 10 s', 'device sequence numbers stored more than once',
]
  .filter((key) => figures[key] !== 0);
if (failed.length) {
  console.error(`drill-browser FAILED: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('drill-browser: nothing lost, nothing doubled');
