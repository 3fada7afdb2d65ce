// A resident keeps the registry true (issue #15): offline, she searches Civray, opens the
// nearest place, taps « Appeler » and « Itinéraire », reports a wrong phone number (« sera
// envoyé »); back online, the report reaches the server once even though the first answer is
// lost, and the consultation counts arrive once even though a batch's answer is lost too.
// The form on a 390×844 phone, in French and in Arabic (right to left); axe on each state.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ROOT, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, phoneContext, startServer, storedMeta, waitForControllingWorker,
} from './harness.mjs';

const PLACES = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8')).places;
const CIVRAY = '86078';

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

/** A coordinator's token, enrolled through the API with a code made by the server's command. */
async function coordinatorToken(server) {
  const database = join(server.dataDir, 'repere.sqlite');
  const code = execFileSync(SERVER_BIN, ['--database', database, 'enrol', '--role', 'coordination'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const answer = await fetch(`${server.url}/api/v1/devices`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
  assert.equal(answer.status, 201);
  return (await answer.json()).token;
}

async function get(server, token, path) {
  const answer = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(answer.status, 200, await answer.clone().text());
  return answer.json();
}

/** The phone's local day, as the app counts it. */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function until(condition, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, `${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function noViolations(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${state}`);
}

test('a wrong phone reported offline reaches the server once; the counts arrive once', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const token = await coordinatorToken(server);
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  // The phone's own apps (dialler, maps) are not part of the test: the links' default actions
  // are stopped after the app's handlers saw the tap.
  await context.addInitScript(() =>
    addEventListener('click', (e) => e.target.closest?.('a[href^="tel:"], a[href^="geo:"], a[href^="https:"]') && e.preventDefault()),
  );
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await waitForControllingWorker(page);
  await page.getByText(`${PLACES.length} lieux d’aide`).waitFor();

  // Offline from here: a search, a sheet, a call, directions, a report.
  await context.setOffline(true);
  await page.reload();
  await page.getByText(`${PLACES.length} lieux d’aide`).waitFor();
  await page.getByText('Repère compte les fiches vues et les recherches par commune, sans savoir qui vous êtes.').waitFor();
  await page.getByLabel('Choisir ma commune').fill('civray');
  await page.getByRole('button', { name: /^Civray/ }).click();
  const first = page.locator('.results > li').first();
  await first.waitFor();
  const name = await first.getByRole('heading').innerText();
  const place = PLACES.find((p) => p.nom === name && p.telephone);
  assert.ok(place, `${name} has a phone`);
  await first.getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await page.locator('main a[href^="tel:"]').first().click();
  await page.getByRole('link', { name: 'Ouvrir dans mon application de carte' }).click();

  const summary = page.locator('summary', { hasText: 'Signaler une erreur' });
  await summary.click();
  const send = page.getByRole('button', { name: 'Envoyer' });
  const status = page.locator('.report [role=status]');
  await send.click();
  await status.filter({ hasText: 'Choisissez ce qui est faux.' }).waitFor();
  await page.getByRole('radio', { name: 'Autre' }).check();
  await send.click();
  await status.filter({ hasText: 'Écrivez en quelques mots ce qui est faux.' }).waitFor();
  await page.getByLabel('Téléphone faux').check();
  await page.getByLabel(/^Expliquez en quelques mots/).fill('Le numéro ne répond plus.');
  assert.equal(await status.innerText(), '', 'the earlier problem goes once the form changes');
  await page.getByText('N’écrivez pas de nom ni de numéro de téléphone d’une personne.').waitFor();
  await noViolations(page, 'report form fr');
  await summary.evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: join(SHOTS, 'report-form-fr.png') });
  await send.click();
  await status.filter({ hasText: 'sera envoyé quand le téléphone aura du réseau' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'report-queued-fr.png') });
  assert.equal(await page.getByLabel(/^Expliquez en quelques mots/).inputValue(), '', 'the form is emptied once the report is kept');
  assert.equal(JSON.parse(await storedMeta(page, 'reports')).length, 1, 'the report waits on the device');

  // The same sheet in Arabic (right to left): drawn again, not viewed again.
  await page.getByRole('button', { name: 'العربية' }).click();
  await page.locator('html[dir=rtl]').waitFor();
  await page.locator('summary', { hasText: 'الإبلاغ عن خطأ' }).click();
  await page.getByLabel('رقم الهاتف خاطئ').check();
  await noViolations(page, 'report form ar');
  await page.locator('.report summary').evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: join(SHOTS, 'report-form-ar.png') });
  await page.getByRole('button', { name: 'Français' }).click();
  await page.locator('html[dir=ltr]').waitFor();

  // Home again, so the reloads below open no sheet (a sheet opened is a view).
  await page.evaluate(() => (location.hash = '#/'));
  await page.getByLabel('Choisir ma commune').waitFor();
  assert.deepEqual((await get(server, token, '/api/v1/moderation')).items, [], 'nothing left the phone while offline');

  // Online: the server stores the report, the answer is lost; the phone keeps it.
  let reportsStored = 0;
  await context.route('**/api/v1/reports', async (route) => {
    const answer = await route.fetch();
    assert.equal(answer.status(), 200);
    reportsStored++;
    await route.abort('connectionreset');
  }, { times: 1 });
  await context.setOffline(false);
  await until(() => reportsStored === 1, 'the report sent on the `online` event');
  assert.equal((await get(server, token, '/api/v1/moderation')).items.length, 1, 'the server holds the report whose answer was lost');
  assert.equal(JSON.parse(await storedMeta(page, 'reports')).length, 1, 'not acknowledged: still on the phone');

  // Next start: the same report again (acknowledged, stored once), then the counts, whose answer
  // is lost once too.
  let batchesCounted = 0;
  const batchIds = [];
  await context.route('**/api/v1/consultations', async (route) => {
    batchIds.push(JSON.parse(route.request().postData()).id);
    await route.fetch();
    batchesCounted++;
    await route.abort('connectionreset');
  }, { times: 1 });
  await page.reload();
  await until(async () => JSON.parse((await storedMeta(page, 'reports')) ?? '[1]').length === 0, 'the report acknowledged at the next start');
  await until(() => batchesCounted === 1, 'the counts sent');
  const kept = await storedMeta(page, 'consultations_batch');
  assert.equal(JSON.parse(kept).id, batchIds[0], 'the batch whose answer was lost is kept with its id');
  await page.reload();
  await until(async () => (await storedMeta(page, 'consultations_batch')) === '', 'the same batch acknowledged at the next start');

  const items = (await get(server, token, '/api/v1/moderation')).items;
  assert.equal(items.length, 1, 'one report, however many times it was sent');
  assert.deepEqual([items[0].kind, items[0].place_id, items[0].motif, items[0].texte], ['report', place.id, 'telephone', 'Le numéro ne répond plus.']);
  const figures = await get(server, token, `/api/v1/consultations?du=${today()}&au=${today()}`);
  const counted = figures.lieux.find((l) => l.id === place.id);
  assert.deepEqual([counted.vues, counted.appels, counted.itineraires], [1, 1, 1], 'one view (a language change is no new view), one call, one route');
  assert.equal(figures.communes.find((c) => c.code === CIVRAY).recherches, 1);
  assert.deepEqual(figures.totaux, { vues: 1, appels: 1, itineraires: 1, recherches: 1 });
  assert.deepEqual(errors, []);
});
