// The connected bus at a stop of its tour (issue #16): the département publishes the tour with the
// registry, the mediator's phone (position near Vouillé's stop) starts « Arrêt du bus », is asked
// « Vous êtes à : … ? », says yes, logs contacts with no network, comes back in range: the server
// stores each contact at the stop, `{"kind":"arret","id":…,"commune":…}`.
//
// Publishing: the registry's JSON with the tour in `x_arrets` (the device format's column). The
// server accepts a contact at a stop only once the stop is in its `stops` table, which publishing
// fills.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ROOT, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, logContact, pending, phoneContext, startServer, waitForControllingWorker,
} from './harness.mjs';

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

const BUS = 'france-services-2102';
/** Two stops visited at every hour, so one is "now" whatever the clock: the phone is near Vouillé's. */
const STOPS = [
  { id: 'bus-e2e-vouille', nom: 'Bus connecté — Vouillé (place de l’église)', code_insee: '86294', commune: 'Vouillé', latitude: 46.6215, longitude: 0.1645, horaires: 'Mo-Su 00:00-24:00' },
  { id: 'bus-e2e-biard', nom: 'Bus connecté — Biard', code_insee: '86027', commune: 'Biard', latitude: 46.586, longitude: 0.2974, horaires: 'Mo-Su 00:00-24:00' },
];
const NEAR_VOUILLE = { latitude: 46.622, longitude: 0.165 };

/** The registry's places with `stops` in the bus's `x_arrets`, published: what the server said. */
function publishTour(server, stops) {
  const places = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8')).places;
  const file = join(server.dataDir, 'lieux-tournee.json');
  writeFileSync(file, JSON.stringify(places.map((p) => (p.id === BUS ? { ...p, x_arrets: stops } : p))));
  return server.publishRegistry(file);
}

/** The example tour (tests/fixtures/tournee-bus.csv) as `x_arrets`, a commune's centre for a stop given none. */
function exampleTour() {
  const rows = (path) => readFileSync(join(ROOT, path), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  const communes = new Map(rows('seeds/communes-86.csv').map((c) => [c[0], { nom: c[1], latitude: Number(c[6]), longitude: Number(c[7]) }]));
  return rows('tests/fixtures/tournee-bus.csv').map(([id, , nom, code_insee, latitude, longitude, horaires]) => {
    const commune = communes.get(code_insee);
    return {
      id, nom, code_insee, commune: commune.nom, horaires,
      latitude: latitude ? Number(latitude) : commune.latitude, longitude: longitude ? Number(longitude) : commune.longitude,
    };
  });
}

test('at a stop of the tour: proposed from the position, accepted, 3 contacts offline stored at the stop', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  assert.match(publishTour(server, STOPS), /^version 2 published/);

  const context = await phoneContext(chromium.browser, { geolocation: NEAR_VOUILLE, permissions: ['geolocation'] });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/mediation/`);
  await waitForControllingWorker(page);
  await page.getByLabel('Code d’inscription').fill(server.enrolmentCode('La Blaiserie'));
  await page.getByRole('button', { name: 'Inscrire ce téléphone' }).click();
  await page.getByText('Structure : La Blaiserie').waitFor();

  await context.setOffline(true);
  await page.getByRole('group', { name: 'Où êtes-vous ?' }).getByLabel('Arrêt du bus').check();
  // Both stops are visited now; the nearest is asked first, the other offered beside it.
  await page.getByText('Vous êtes à : Bus connecté — Vouillé (place de l’église) (passage 0 h – 24 h) ?').waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Bus connecté — Biard (passage 0 h – 24 h)' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('section.outreach').screenshot({ path: join(SHOTS, 'mediator-bus-stop.png') });
  await page.getByRole('button', { name: 'Oui', exact: true }).click();
  await page.getByText('Bus connecté — Vouillé (place de l’église) — depuis').waitFor();
  await page.getByRole('button', { name: '+1 personne renseignée' }).click();
  await logContact(page);
  await logContact(page);
  await page.getByText('1 personne(s) renseignée(s), 2 contact(s) noté(s) dans cette session').waitFor();
  await page.locator('section.outreach').screenshot({ path: join(SHOTS, 'mediator-bus-session.png') });
  await pending(page, 3);

  await context.setOffline(false);
  await pending(page, 0, 30_000);
  const bodies = execFileSync('sqlite3', [join(server.dataDir, 'repere.sqlite'), 'SELECT body FROM contacts'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(bodies.length, 3);
  for (const body of bodies) assert.deepEqual(body.lieu, { kind: 'arret', id: 'bus-e2e-vouille', commune: '86294' });
  assert.deepEqual(errors, []);
});

test('coverage counts the stops the bus visits at least twice a month, drawn apart on the map', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const tour = exampleTour();
  assert.match(publishTour(server, tour), /^version 2 published/);
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${server.url}/coordination/`);
  await waitForControllingWorker(page);
  const code = execFileSync(SERVER_BIN, ['--database', join(server.dataDir, 'repere.sqlite'), 'enrol', '--role', 'coordination'], { encoding: 'utf8' });
  await page.getByLabel('Code de coordination').fill(code.trim());
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('link', { name: 'Où l’aide manque' }).click();
  // Weekly (3) and twice a month (5) count; the 4 monthly stops do not.
  const counted = page.getByText(/^Comptés : [\d\u202f]+ lieux et 8 arrêts du bus\. Un arrêt du bus compte s’il passe au moins deux fois par mois/);
  await counted.waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('svg.gaps g.tour').count(), 8);
  const names = await page.locator('svg.gaps g.tour title').allTextContents();
  assert.ok(names.includes('Arrêt du bus : Bus connecté — Vouillé (Vouillé)') && !names.some((n) => n.includes('Lusignan')), names.join(' | '));
  // Only France Services: the bus's stops around Poitiers now bring communes within 10 minutes.
  await page.getByText('Changer le seuil ou les lieux comptés').click();
  await page.getByLabel('Dispositif', { exact: true }).selectOption('France Services');
  await counted.waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('svg.gaps').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'coverage-bus-tour.png') });
});
