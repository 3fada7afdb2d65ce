// The département keeps the connected bus's tour true (issue #16): the example tour published by
// `publish-registry --stops`, then edited on a coordinator's 390×844 phone at /registre/#/arrets —
// hours that do not parse refused next to their stop and field with nothing published, then a
// stop added by its commune's name — as one new version, which a resident's phone pulls: its map
// shows one more stop and its town names; the new stop's poster prints with a QR code of its sheet.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, phoneContext, startServer, waitForControllingWorker } from './harness.mjs';

const TOUR = join(ROOT, 'tests/fixtures/tournee-bus.csv');

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

async function registryVersion(server) {
  return (await (await fetch(`${server.url}/api/v1/registry?since=0`)).json()).version;
}

test('a coordinator edits the tour; a resident sees the new stop on the map and prints its poster', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const db = join(server.dataDir, 'repere.sqlite');
  const exported = join(server.dataDir, 'registre.csv');
  execFileSync(SERVER_BIN, ['--database', db, 'export-registry', '--format', 'csv', '--out', exported]);
  execFileSync(SERVER_BIN, ['--database', db, 'publish-registry', exported, '--stops', TOUR]);
  const published = await registryVersion(server);

  // A resident's phone holds this version, and draws the 12 stops as diamonds among the places.
  const resident = await phoneContext(chromium.browser);
  t.after(() => resident.close());
  const phone = await resident.newPage();
  await phone.goto(`${server.url}/#/carte`);
  await waitForControllingWorker(phone);
  await phone.locator('.map .marker.stop').nth(11).waitFor();
  assert.equal(await phone.locator('.map .marker.stop').count(), 12);
  // Regression: the names were drawn only if the communes had loaded before the map; they come
  // whenever the communes do.
  await phone.locator('.map .towns text').first().waitFor();
  const towns = await phone.locator('.map .towns text').allTextContents();
  assert.deepEqual(towns.slice(0, 2), ['Poitiers', 'Châtellerault']);
  assert.ok(towns.length >= 6 && towns.length <= 20, `${towns.length} town names on the whole map`);
  assert.ok(towns.includes('Loudun') && towns.includes('Montmorillon'), towns.join(', '));
  await phone.screenshot({ path: join(SHOTS, 'stops-map.png') });
  assert.deepEqual(await axeViolations(phone), []);

  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const code = execFileSync(SERVER_BIN, ['--database', db, 'enrol', '--role', 'coordination'], { encoding: 'utf8' }).trim();
  await page.goto(`${server.url}/registre/#/arrets`);
  await page.getByLabel('Code de coordination').fill(code);
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('heading', { name: 'Arrêts des lieux itinérants' }).waitFor();
  const cards = page.locator('fieldset.stop');
  await cards.nth(11).waitFor();
  assert.equal(await cards.count(), 12);
  assert.equal(await cards.nth(8).getByLabel('Nom (ex. Marché de Lusignan)').inputValue(), 'Bus connecté — Lusignan (marché)');
  assert.equal(await cards.nth(8).getByLabel('Commune').inputValue(), 'Lusignan');
  assert.deepEqual(await axeViolations(page), []);

  // Hours that do not parse: named on their card and field, nothing published.
  await cards.nth(8).getByLabel('Horaires').fill('mardi matin');
  await cards.nth(8).getByLabel('Horaires').blur();
  await page.getByRole('button', { name: 'Publier 12 arrêts' }).click();
  await page.getByText('Rien n’est publié').waitFor();
  assert.match(await cards.nth(8).locator('.problem').nth(2).innerText(), /horaires illisibles « mardi matin »/);
  assert.equal(await registryVersion(server), published);
  await page.screenshot({ path: join(SHOTS, 'stops-editor-refused.png') });

  // Put back, and add a stop at Vivonne's market, first Thursday of the month.
  await cards.nth(8).getByLabel('Horaires').fill('Tu[2] 09:00-12:00; PH off');
  await cards.nth(8).getByLabel('Horaires').blur();
  await page.getByRole('button', { name: 'Ajouter un arrêt' }).click();
  const added = cards.nth(12);
  await added.getByLabel('Nom (ex. Marché de Lusignan)').fill('Bus connecté — Vivonne (marché)');
  await added.getByLabel('Nom (ex. Marché de Lusignan)').blur();
  await added.getByLabel('Commune').fill('vivonne');
  await added.getByLabel('Commune').blur();
  await added.getByLabel('Horaires').fill('Th[1] 09:00-12:00; PH off');
  await added.getByLabel('Horaires').blur();
  assert.match(await added.innerText(), /Identifiant : france-services-2102-bus-connecte-vivonne-marche/);
  await page.getByRole('button', { name: 'Publier 13 arrêts' }).click();
  await page.getByText(/^Publié : version \d+ du registre/).waitFor();
  assert.equal(await registryVersion(server), published + 1);
  const delta = await (await fetch(`${server.url}/api/v1/registry?since=${published}`)).json();
  assert.deepEqual(delta.places.map((p) => p.id), ['france-services-2102']);
  const stops = delta.places[0].x_arrets;
  assert.equal(stops.length, 13);
  const vivonne = stops.find((s) => s.id === 'france-services-2102-bus-connecte-vivonne-marche');
  assert.deepEqual([vivonne.code_insee, vivonne.commune, vivonne.x_position_approximative], ['86293', 'Vivonne', true]);
  await page.screenshot({ path: join(SHOTS, 'stops-editor.png'), fullPage: true });
  assert.deepEqual(errors, []);

  // The resident's phone pulls the new version at its next start: 13 diamonds.
  await phone.reload();
  await phone.locator('.map .marker.stop').nth(12).waitFor();
  assert.equal(await phone.locator('.map .marker.stop').count(), 13);

  // The new stop's poster: made on the phone, its QR code holding the stop's sheet.
  await phone.goto(`${server.url}/#/arret/france-services-2102-bus-connecte-vivonne-marche`);
  await phone.getByRole('link', { name: 'Imprimer une affiche' }).click();
  await phone.locator('.poster-qr svg').waitFor();
  assert.equal(await phone.locator('.poster-title').innerText(), 'Bus connecté — Vivonne (marché)');
  assert.equal(await phone.locator('.poster-link').innerText(), `${server.url}/#/arret/france-services-2102-bus-connecte-vivonne-marche`);
  assert.deepEqual(await axeViolations(phone), []);
  await phone.screenshot({ path: join(SHOTS, 'stops-poster.png'), fullPage: true });
});
