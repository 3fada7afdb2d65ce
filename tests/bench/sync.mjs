// Browser-side sync figures (printed, not asserted as timings): contact save latency through the
// form, and the time to sync 10,000 queued contacts to repere-server over loopback.
// Run by scripts/bench-sync after a release build.
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, startServer, waitForControllingWorker } from '../e2e/harness.mjs';

const QUEUED = 10_000;
const SAVES = 40;

/** A UUIDv7 (RFC 9562) for `n`, as the app makes them. */
function uuid7(ms, n) {
  const hex = ms.toString(16).padStart(12, '0') + '7' + (n & 0xfff).toString(16).padStart(3, '0') + (0x8000 | (n >> 12 & 0x3fff)).toString(16) + n.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function row(n) {
  const id = uuid7(1_795_000_000_000 + n, n);
  const contact = {
    id, seq: 100_000 + n, type: 'individuel', debut: '2026-11-28T10:30:00', duree_min: 30, lieu: { kind: 'bus' },
    thematiques: ['aide_aux_demarches_administratives'], thematiques_administratives: [], materiel: ['telephone'],
    autonomie: null, orientation: null, niveau_atelier: null,
    beneficiaire: { tranche_age: 'soixante_dix_plus', statut: 'retraite', genre: null, commune: null },
    participants: { par_age: [0, 0, 0, 0, 0, 0, 0, 0], par_statut: [0, 0, 0, 0, 0] }, session: null,
  };
  return [id, JSON.stringify({ seq: 100_000 + n, state: 'waiting', contact })];
}

const pct = (sorted, p) => sorted[Math.round((sorted.length - 1) * p)];

const server = await startServer();
const chromium = await launchBrowser();
try {
  const context = await phoneContext(chromium.browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/#/mediation`);
  await waitForControllingWorker(page);
  await page.getByLabel('Code d’inscription').fill(server.enrolmentCode('Banc d’essai'));
  await page.getByRole('button', { name: 'Inscrire ce téléphone' }).click();
  await page.getByText('Structure : Banc d’essai').waitFor();
  await context.setOffline(true);

  const saves = [];
  for (let i = 0; i < SAVES; i++) {
    await page.getByLabel('E-mail', { exact: true }).check();
    await page.getByLabel('60 - 69 ans').check();
    const started = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Enregistrer le contact' }).click();
    const want = i === 0 ? '1 contact en attente' : `${i + 1} contacts en attente`;
    const done = await page.waitForFunction((want) => document.querySelector('.pending').textContent.startsWith(want) && performance.now(), want, { polling: 'raf' });
    saves.push((await done.jsonValue()) - started);
  }
  saves.sort((a, b) => a - b);
  const stored = (await page.evaluate(() => performance.getEntriesByName('repere:save').map((e) => e.duration))).sort((a, b) => a - b);
  assert.equal(stored.length, SAVES);
  console.log(`contact save, ${SAVES} saves offline:`);
  console.log(`  from "Enregistrer" to stored on disk (IndexedDB, durability strict): p50 ${pct(stored, 0.5).toFixed(1)} ms, p95 ${pct(stored, 0.95).toFixed(1)} ms`);
  console.log(`  from the click to the new count on screen: p50 ${pct(saves, 0.5).toFixed(1)} ms, p95 ${pct(saves, 0.95).toFixed(1)} ms`);

  const rows = Array.from({ length: QUEUED }, (_, n) => row(n));
  await page.evaluate(
    (rows) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('repere');
        open.onsuccess = () => {
          const tx = open.result.transaction('outbox', 'readwrite');
          const store = tx.objectStore('outbox');
          for (const [id, value] of rows) store.put(value, id);
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        };
      }),
    rows,
  );
  await page.reload();
  const total = QUEUED + SAVES;
  await page.getByText(`${total} contacts en attente d’envoi`).waitFor({ timeout: 60_000 });
  await context.setOffline(false);
  const started = Date.now();
  await page.getByText('Tout est envoyé.', { exact: true }).waitFor({ timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  const device = JSON.parse(await page.evaluate(() => new Promise((r) => { const o = indexedDB.open('repere'); o.onsuccess = () => { const g = o.result.transaction('meta').objectStore('meta').get('device'); g.onsuccess = () => r(g.result); }; })));
  const count = (await (await fetch(`${server.url}/api/v1/contacts/count`, { headers: { Authorization: `Bearer ${device.token}` } })).json()).count;
  assert.equal(count, total);
  console.log(`sync of ${total} queued contacts over loopback (batches of 500, from the online event to "Tout est envoyé"): ${seconds.toFixed(2)} s; server holds ${count}`);
} finally {
  await chromium.close();
  await server.stop();
}
