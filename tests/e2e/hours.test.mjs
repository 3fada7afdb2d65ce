// Opening hours past the years the registry was compiled for: on a phone whose clock is two
// years after them, weekly hours still answer (they hold for any year), and a place with
// irregular hours says to call instead of answering wrong.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, SHOTS, axeViolations, launchBrowser, phoneContext, startServer, storedMeta, waitForControllingWorker } from './harness.mjs';

const SEED = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8'));
const WITH_HOURS = SEED.places.filter((p) => p.horaires);
const [FIRST, LAST] = WITH_HOURS[0].x_horaires_calcules.annees;

let chromium;
before(async () => (chromium = await launchBrowser()));
after(async () => chromium.close());

/** 10:00 on the first Tuesday of March, two years after the compiled ones. */
function tuesdayAfterTheYears() {
  const day = new Date(`${LAST + 2}-03-01T10:00:00`);
  while (day.getDay() !== 2) day.setDate(day.getDate() + 1);
  return day;
}

test('two years after the compiled ones, weekly hours still answer and irregular ones say to call', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  // The département publishes one place with a summer closure: not a weekly rule.
  const [weekly, irregular] = WITH_HOURS;
  const places = SEED.places.map((p) => (p.id === irregular.id ? { ...p, horaires: 'Mo-Fr 09:00-12:00; Aug off' } : p));
  const file = join(server.dataDir, 'lieux-ete.json');
  writeFileSync(file, JSON.stringify(places));
  assert.equal(server.publishRegistry(file), 'version 2 published: 0 added, 1 changed, 0 removed\n');

  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.clock.setFixedTime(tuesdayAfterTheYears());
  await page.goto(server.url);
  await waitForControllingWorker(page);
  await page.waitForFunction(() => document.body.innerText.includes('lieux d’aide'));
  for (let i = 0; (await storedMeta(page, 'registry_version')) !== 2; i++) {
    assert.ok(i < 100, 'the phone pulled version 2');
    await new Promise((r) => setTimeout(r, 100));
  }

  await page.goto(`${server.url}/#/lieu/${encodeURIComponent(irregular.id)}`);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: irregular.nom }).waitFor();
  const sheet = page.locator('article.sheet');
  assert.equal(await sheet.locator('.open-status').innerText(), 'Horaires à confirmer : appelez avant de venir');
  await sheet.getByText(`Horaires connus de ${FIRST} à ${LAST} seulement : appelez avant de venir.`).waitFor();
  assert.equal(await sheet.locator('table.hours').count(), 0, 'no week table for a week that is not known');
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'sheet-hours-to-confirm.png'), fullPage: true });

  await page.goto(`${server.url}/#/lieu/${encodeURIComponent(weekly.id)}`);
  await page.getByRole('heading', { level: 1, name: weekly.nom }).waitFor();
  assert.equal(await sheet.locator('table.hours tbody tr').count(), 7, 'a weekly rule holds for any year');
  assert.doesNotMatch(await sheet.innerText(), /à confirmer|connus de/);
  await page.screenshot({ path: join(SHOTS, 'sheet-weekly-hours-later.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
