// A mediator proposes changes to the registry offline (issue #15): a new phone for a place and a
// new place, typed as people write them, saved on the phone, sent with the contacts when back
// online; the server holds each exactly once, also when the answer to a push is lost, the server
// restarts and the browser is closed and reopened in between. Hours the phone cannot check and
// the server refuses set that proposal aside, never the contacts sent with it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium as playwright } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, logContact, pendingWords, phoneContext,
  proposeNewPlace, proposePhone, startServer, storedMeta, waitForControllingWorker,
} from './harness.mjs';

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

const NEW_PLACE = {
  'Nom du lieu *': 'Médiathèque de Test-sur-Clain',
  'Adresse (numéro et rue) *': '3 rue des Écoles',
  'Commune *': 'Civray',
  'Code postal *': '86400',
  Téléphone: '05 49 87 65 43',
};

/** A coordinator's token, to read the moderation queue as the server holds it. */
async function coordinatorToken(server) {
  const code = execFileSync(SERVER_BIN, ['--database', join(server.dataDir, 'repere.sqlite'), 'enrol', '--role', 'coordination'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  const response = await fetch(`${server.url}/api/v1/devices`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
  assert.equal(response.status, 201);
  return (await response.json()).token;
}

async function queue(server, token) {
  const response = await fetch(`${server.url}/api/v1/moderation`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  return (await response.json()).items;
}

/** The mediators' space on `page`, enrolled for `structure`. */
async function enrol(page, server, structure) {
  await page.goto(`${server.url}/mediation/`);
  await waitForControllingWorker(page);
  await page.getByLabel('Code d’inscription').fill(server.enrolmentCode(structure));
  await page.getByRole('button', { name: 'Inscrire ce téléphone' }).click();
  await page.getByText(`Structure : ${structure}`).waitFor();
}

const waiting = (page, contacts, proposals) => page.getByText(pendingWords(contacts, proposals), { exact: true }).waitFor({ timeout: 20_000 });

test('offline, a new phone for a place and a new place: saved, sent once when back online', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await enrol(page, server, 'Espace numérique de Civray');
  const token = await coordinatorToken(server);
  await context.setOffline(true);

  // A new place without its required fields: each is named, nothing saved.
  const form = page.locator('form.proposal');
  await page.getByRole('button', { name: 'Proposer un nouveau lieu' }).click();
  await form.getByLabel('Nom du lieu *', { exact: true }).fill('Médiathèque');
  await form.getByLabel('Téléphone', { exact: true }).fill('05 49');
  await form.getByRole('button', { name: 'Enregistrer la proposition' }).click();
  const problems = form.locator('.problems li');
  await problems.first().waitFor();
  assert.deepEqual(await problems.allInnerTexts(), [
    'Adresse (numéro et rue) : champ obligatoire vide',
    'Commune : champ obligatoire vide',
    'Code postal : champ obligatoire vide',
    'Téléphone : « 05 49 » : un numéro français a 10 chiffres (ou +33 et 9 chiffres), pas 4 (par exemple 05 49 12 34 56)',
  ]);
  assert.equal(await form.getByLabel('Téléphone', { exact: true }).getAttribute('aria-invalid'), 'true');
  await form.screenshot({ path: join(SHOTS, 'proposal-new-place-problems.png') });
  assert.deepEqual(await axeViolations(page), []);
  await form.getByRole('button', { name: 'Annuler' }).click();

  // A correction: the form opens with the place's values as people write them.
  await page.getByRole('button', { name: 'Proposer une correction' }).click();
  await form.getByLabel('Lieu à corriger (nom ou commune)').fill('Civray');
  await form.locator('.suggestions button').first().click();
  const before = await form.getByLabel('Téléphone', { exact: true }).inputValue();
  assert.match(before, /^(0\d( \d\d){4})?$/, 'a phone shown as people read it');
  await form.evaluate((f) => f.scrollIntoView());
  await page.screenshot({ path: join(SHOTS, 'proposal-correction-form.png') });
  await form.screenshot({ path: join(SHOTS, 'proposal-correction-form-whole.png') });
  assert.deepEqual(await axeViolations(page), []);
  await form.getByRole('button', { name: 'Annuler' }).click();
  const place = await proposePhone(page, 'Civray', '05.49.11.22.33');
  await proposeNewPlace(page, NEW_PLACE);
  await waiting(page, 0, 2);
  await page.reload();
  await waiting(page, 0, 2);
  const list = await page.locator('ul.outbox li').allInnerTexts();
  assert.equal(list.length, 2);
  assert.match(list[0], new RegExp(`^Correction · ${place.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · Téléphone · en attente`));
  assert.match(list[1], /^Nouveau lieu · Médiathèque de Test-sur-Clain, Civray · en attente/);
  await page.locator('section[aria-labelledby=attente]').screenshot({ path: join(SHOTS, 'proposal-pending.png') });
  assert.deepEqual(await queue(server, token), [], 'nothing left the phone while offline');

  await context.setOffline(false);
  await waiting(page, 0, 0);
  const items = await queue(server, token);
  assert.equal(items.length, 2, JSON.stringify(items));
  const correction = items.find((i) => i.place_id);
  const added = items.find((i) => !i.place_id);
  assert.deepEqual(correction.changes.map((c) => [c.field, c.new]), [['telephone', '+33549112233']]);
  assert.equal(correction.from, 'Espace numérique de Civray');
  assert.deepEqual(
    Object.fromEntries(added.changes.map((c) => [c.field, c.new])),
    { adresse: '3 rue des Écoles', code_postal: '86400', commune: 'Civray', nom: 'Médiathèque de Test-sur-Clain', pivot: '00000000000000', telephone: '+33549876543' },
  );
  // Sending again changes nothing.
  await page.getByRole('button', { name: 'Synchroniser' }).click();
  await waiting(page, 0, 0);
  assert.equal((await queue(server, token)).length, 2);
  assert.deepEqual(errors, []);
});

test('a proposal saved offline survives a lost answer, a server restart and a closed browser: stored once', async (t) => {
  let server = await startServer();
  t.after(() => server.stop());
  const profile = mkdtempSync(join(tmpdir(), 'repere-proposal-profile-'));
  const launch = () =>
    playwright.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
  let context = await launch();
  // The browser closed before its profile is removed (Chromium writes into it until it exits:
  // removed first, the directory was refilled under rmSync, ENOTEMPTY).
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });
  let page = context.pages()[0] ?? (await context.newPage());
  await enrol(page, server, 'Maison France services de Gençay');
  const token = await coordinatorToken(server);
  await context.setOffline(true);
  await proposePhone(page, 'Gençay', '05 16 00 00 01');
  await waiting(page, 0, 1);

  // Back online, the server stores the push; its answer is lost, then the server stops.
  let delivered = 0;
  await context.route('**/api/v1/contacts', async (route) => {
    const response = await route.fetch();
    assert.equal(response.status(), 200);
    delivered++;
    await route.abort('connectionreset');
  }, { times: 1 });
  await context.setOffline(false);
  for (let tries = 0; delivered === 0; tries++) {
    assert.ok(tries < 150, 'a push was attempted within 15 s of coming back online');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await queue(server, token)).length, 1, 'the server stored the push whose answer was lost');
  await waiting(page, 0, 1);
  const { port, dataDir } = server;
  assert.equal(await server.stop({ keepData: true }), 0);
  // The browser is closed while the proposal is still unacknowledged, and opened again.
  await context.close();
  server = await startServer({ port, dataDir });
  context = await launch();
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/mediation/`);
  await waiting(page, 0, 0);
  const items = await queue(server, token);
  assert.equal(items.length, 1, `stored once: ${JSON.stringify(items)}`);
  assert.deepEqual(items[0].changes.map((c) => [c.field, c.new]), [['telephone', '+33516000001']]);
});

test('hours the phone could not check and the server refuses: that proposal is set aside with the reason, the contact beside it goes', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await enrol(page, server, 'Espace numérique de Civray');
  const token = await coordinatorToken(server);
  const bearer = JSON.parse(await storedMeta(page, 'device')).token;
  await context.setOffline(true);
  await logContact(page);
  await page.getByRole('button', { name: 'Proposer une correction' }).click();
  const form = page.locator('form.proposal');
  await form.getByLabel('Lieu à corriger (nom ou commune)').fill('Civray');
  await form.locator('.suggestions button').first().click();
  await form.getByLabel(/^Horaires/).fill('lundi matin');
  await form.getByRole('button', { name: 'Enregistrer la proposition' }).click();
  await waiting(page, 1, 1);

  await context.setOffline(false);
  const refused = page.locator('ul.outbox li').filter({ hasText: 'refusée par le serveur (horaires : horaires illisibles « lundi matin »' });
  await refused.waitFor({ timeout: 20_000 });
  await waiting(page, 0, 1);
  const count = await fetch(`${server.url}/api/v1/contacts/count`, { headers: { Authorization: `Bearer ${bearer}` } });
  assert.equal((await count.json()).count, 1, 'the contact pushed with it is stored');
  assert.deepEqual(await queue(server, token), [], 'nothing of the refused proposal is stored');
  await page.locator('section[aria-labelledby=attente]').screenshot({ path: join(SHOTS, 'proposal-refused.png') });
  // Kept, and not sent again: another sync leaves it as it is.
  await page.getByRole('button', { name: 'Synchroniser' }).click();
  await refused.waitFor();
  assert.deepEqual(await queue(server, token), []);
});
