// The connected bus at a stop of its tour (issue #16): the département publishes the tour with the
// registry, the mediator's phone (position near Vouillé's stop) starts « Arrêt du bus », is asked
// « Vous êtes à : … ? », says yes, logs contacts with no network, comes back in range: the server
// stores each contact at the stop, `{"kind":"arret","id":…,"commune":…}`.
//
// Publishing: `publish-registry FILE --stops STOPS`, which also records each stop in the server's
// `stops` table, so that a contact logged there is accepted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/**
 * Publishes the registry with a stops file, as the département does (`publish-registry FILE
 * --stops STOPS`, the places exported by the server itself): what the server said. `stops` are the
 * file's rows, or the path of a stops file.
 */
function publishTour(server, stops) {
  const db = join(server.dataDir, 'repere.sqlite');
  const places = join(server.dataDir, 'lieux.csv');
  execFileSync(SERVER_BIN, ['--database', db, 'export-registry', '--format', 'csv', '--out', places]);
  let file = stops;
  if (typeof stops !== 'string') {
    file = join(server.dataDir, 'arrets.csv');
    const rows = stops.map((s) => [s.id, BUS, s.nom, s.code_insee, s.latitude, s.longitude, s.horaires].join(','));
    writeFileSync(file, ['id,lieu,nom,code_insee,latitude,longitude,horaires', ...rows].join('\n') + '\n');
  }
  return execFileSync(SERVER_BIN, ['--database', db, 'publish-registry', places, '--stops', file], { encoding: 'utf8' });
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
  assert.match(publishTour(server, join(ROOT, 'tests/fixtures/tournee-bus.csv')), /^version 2 published/);
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
