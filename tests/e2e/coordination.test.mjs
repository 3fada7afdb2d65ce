// A coordinator of the département: two structures have logged contacts this year; the
// coordinator enrols a laptop-sized phone with a coordination code, reads the totals, the month
// series, the themes and the Vienne coloured by EPCI and commune, downloads the statistics file,
// then reloads with no network and still reads the figures, dated. A mediator's code is refused
// in this space. A mediator reads his structure's figures in his own space, his unsent contacts
// added.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  DIST, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, logContact, phoneContext, startServer, storedMeta, waitForControllingWorker,
} from './harness.mjs';

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

/** A one-time code made by the server's own command (`enrol --role coordination [--epci …]`). */
function coordinationCode(server, ...flags) {
  const database = join(server.dataDir, 'repere.sqlite');
  return execFileSync(SERVER_BIN, ['--database', database, 'enrol', '--role', 'coordination', ...flags], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function uuid7() {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An individual contact at a commune's permanence, for a resident of `home`. */
function contact(seq, month, commune, home) {
  return {
    id: uuid7(), seq, type: 'individuel', debut: `2026-${String(month).padStart(2, '0')}-1${seq % 10}T10:30:00`, duree_min: 45,
    lieu: { kind: 'commune', code: commune }, thematiques: ['email', 'aide_aux_demarches_administratives'],
    thematiques_administratives: ['social_sante'], materiel: ['telephone'], autonomie: 'entierement_accompagne',
    beneficiaire: { tranche_age: 'soixante_dix_plus', statut: 'retraite', commune: home },
  };
}

/** Enrols a mediator's device for `structure` through the API and pushes `contacts`. */
async function pushAs(server, structure, contacts) {
  const code = server.enrolmentCode(structure);
  const enrolled = await (await fetch(`${server.url}/api/v1/devices`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) })).json();
  const response = await fetch(`${server.url}/api/v1/contacts`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${enrolled.token}` }, body: JSON.stringify({ contacts }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** The files of the coordinators' space the service worker holds. */
async function cachedCoordinationFiles(page) {
  return page.evaluate(async () => {
    const cache = await caches.open((await caches.keys())[0]);
    return (await cache.keys()).map((r) => new URL(r.url).pathname).filter((p) => p.startsWith('/coordination/')).sort();
  });
}

/** Waits until the cache holds every file of the coordinators' space (the worker's list). */
async function coordinationCached(page) {
  const wanted = JSON.parse(readFileSync(join(DIST, 'sw.js'), 'utf8').match(/const COORDINATION = (\[[^\]]*\])/)[1]).sort();
  assert.ok(wanted.includes('/coordination/index.html') && wanted.some((f) => f.endsWith('.wasm')), wanted.join(' '));
  for (let tries = 0; (await cachedCoordinationFiles(page)).join(' ') !== wanted.join(' '); tries++) {
    assert.ok(tries < 100, `the coordinators' space is cached within 10 s: ${await cachedCoordinationFiles(page)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The figure of a total, as the dashboard shows it. */
async function total(page, label) {
  return page.locator('.totals div').filter({ has: page.getByText(label, { exact: true }) }).locator('dd').innerText();
}

test('a coordinator reads the figures, and reads them again offline', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  // Poitiers (86194, CU Grand Poitiers) 24 people, Châtellerault (86066) 10, and 2 people living
  // in Adriers (86001): fewer than 5, so "< 5" for a coordinator.
  const poitiers = Array.from({ length: 24 }, (_, i) => contact(i + 1, 1 + (i % 11), '86194', '86194'));
  const chatellerault = Array.from({ length: 10 }, (_, i) => contact(i + 1, 3 + (i % 6), '86066', '86066'));
  const adriers = [contact(11, 9, '86066', '86001'), contact(12, 10, '86066', '86001')];
  await pushAs(server, 'Maison France Services de Poitiers', poitiers);
  await pushAs(server, 'Centre social de Châtellerault', chatellerault.concat(adriers));

  const context = await phoneContext(chromium.browser, { acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/coordination/`);
  await waitForControllingWorker(page);
  await coordinationCached(page);
  // A mediator's code is refused here, in plain words.
  await page.getByLabel('Code de coordination').fill(server.enrolmentCode('Une autre structure'));
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByText(/Code refusé : c’est un code de médiateur/).waitFor();
  await page.screenshot({ path: join(SHOTS, 'coordination-enrol-refused.png') });
  assert.equal(await storedMeta(page, 'coordinator'), undefined);

  await page.getByLabel('Code de coordination').fill(coordinationCode(server).toLowerCase());
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('heading', { name: 'Chiffres' }).waitFor();
  assert.equal(JSON.parse(await storedMeta(page, 'coordinator')).role, 'coordination');
  assert.equal(await total(page, 'Accompagnements au total'), '36');
  assert.equal(await total(page, 'Accompagnements individuels'), '36');
  assert.equal(await total(page, 'Ateliers collectifs'), '0');
  // The month series: one column per month from January to November, its table says each.
  const months = page.locator('#graphique-mois').locator('xpath=..');
  assert.equal(await months.locator('svg rect.bar').count(), 11);
  await months.locator('summary').click();
  assert.equal(await months.getByRole('row', { name: /janvier 2026/ }).locator('td').first().innerText(), '3');
  // The maps: every EPCI and commune drawn, those with contacts shaded.
  const epci = page.locator('#carte-epci').locator('xpath=..');
  assert.ok((await epci.locator('svg path').count()) >= 7);
  assert.ok((await epci.locator('svg path:not(.s0)').count()) >= 2);
  const communes = page.locator('#carte-communes').locator('xpath=..');
  assert.ok((await communes.locator('svg path').count()) > 250);
  assert.equal(await communes.locator('svg path.s5').count(), 1, 'Poitiers, the most, in the darkest shade');
  // The privacy rule: 2 people of Adriers are "< 5" for a coordinator.
  const residence = page.locator('section.breakdown').filter({ has: page.getByRole('heading', { name: 'Commune de résidence des bénéficiaires' }) });
  assert.equal(await residence.getByRole('row', { name: /Adriers/ }).locator('td').first().innerText(), '< 5');

  assert.deepEqual(await axeViolations(page), []);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'coordination-dashboard.png') });
  for (const id of ['graphique-thematiques', 'carte-epci', 'carte-communes']) {
    await page.locator(`#${id}`).locator('xpath=..').screenshot({ path: join(SHOTS, `coordination-${id}.png`) });
  }
  await residence.screenshot({ path: join(SHOTS, 'coordination-residence.png') });

  // No network, no server: the figures of the last visit, dated.
  assert.equal(await server.stop({ keepData: true }), 0);
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('heading', { name: 'Chiffres' }).waitFor();
  assert.equal(await total(page, 'Accompagnements au total'), '36');
  await page.getByText(/^Données du \d\d\/\d\d\/2026 à \d\d:\d\d$/).waitFor();
  await page.getByText(/Chiffres non mis à jour \(pas de réseau\)/).waitFor();
  await page.locator('.dated').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'coordination-offline.png') });
  assert.deepEqual(errors, []);
});

test('a coordinator downloads the activities and the statistics for the filter on screen', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  await pushAs(server, 'Maison France Services de Poitiers', [contact(1, 2, '86194', '86194'), contact(2, 3, '86194', '86194')]);
  const context = await phoneContext(chromium.browser, { acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${server.url}/coordination/`);
  await page.getByLabel('Code de coordination').fill(coordinationCode(server));
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('heading', { name: 'Chiffres' }).waitFor();
  for (const [button, name, magic] of [
    ['Activités (CSV)', /^repere_activites.*\.csv$/, 'Date'],
    ['Activités (tableur XLSX)', /^repere_activites.*\.xlsx$/, 'PK'],
    ['Statistiques (tableur XLSX)', /^repere_statistiques.*\.xlsx$/, 'PK'],
  ]) {
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: button }).click();
    const download = await downloaded;
    assert.match(download.suggestedFilename(), name);
    const text = readFileSync(await download.path(), 'latin1');
    assert.ok(text.replace(/^\xEF\xBB\xBF/, '').startsWith(magic), `${button}: ${text.slice(0, 20)}`);
    // The CSV: its header, then one line per contact of the filter.
    if (magic === 'Date') assert.equal(text.trim().split('\r\n').length, 3, text);
  }
});

test('a coordinator of one EPCI sees only his territory', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  await pushAs(server, 'Maison France Services de Poitiers', [contact(1, 2, '86194', '86194'), contact(2, 3, '86194', '86194')]);
  await pushAs(server, 'Centre social de Châtellerault', [contact(1, 2, '86066', '86066')]);
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${server.url}/coordination/`);
  // CA de Grand Châtellerault.
  await page.getByLabel('Code de coordination').fill(coordinationCode(server, '--epci', '248600413'));
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('heading', { name: 'Chiffres' }).waitFor();
  assert.equal(await total(page, 'Accompagnements au total'), '1');
  // The form, folded once figures are shown, offers only his EPCI.
  await page.getByText('Changer la période ou le territoire').click();
  assert.deepEqual(await page.locator('#epci option').allInnerTexts(), ['Tout votre territoire', 'CA Grand Châtellerault']);
});

test('a mediator reads his structure’s figures, with the contacts still on his phone', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  await pushAs(server, 'La Blaiserie', [contact(1, 2, '86194', '86194'), contact(2, 3, '86194', '86194'), contact(3, 4, '86194', '86001')]);
  await pushAs(server, 'Centre social de Châtellerault', [contact(1, 2, '86066', '86066')]);
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${server.url}/mediation/`);
  await waitForControllingWorker(page);
  await page.getByLabel('Code d’inscription').fill(server.enrolmentCode('La Blaiserie'));
  await page.getByRole('button', { name: 'Inscrire ce téléphone' }).click();
  const mine = page.locator('section.my-figures');
  const totalRow = () => mine.getByRole('row', { name: /Accompagnements au total/ }).locator('td').first();
  // His structure only, exact (1 person of Adriers is not "< 5" for his own structure).
  await mine.getByText(/Données du/).waitFor();
  assert.equal(await totalRow().innerText(), '3');
  await context.setOffline(true);
  await logContact(page);
  await mine.getByText('Dont 1 contact pas encore envoyé, compté sur ce téléphone.').waitFor();
  assert.equal(await totalRow().innerText(), '4');
  await page.reload();
  await mine.getByText(/Données du/).waitFor();
  // The stored figures come first, the phone's own contacts once its outbox is read (a moment
  // later; under load the total was read in between).
  await mine.getByText('Dont 1 contact pas encore envoyé, compté sur ce téléphone.').waitFor();
  assert.equal(await totalRow().innerText(), '4');
  await mine.screenshot({ path: join(SHOTS, 'mediation-my-figures.png') });
});
