// The connected bus's tour (issue #16), as a resident in a white zone lives it: the
// département publishes the 12 stops of La Blaiserie's bus; then, offline (server stopped,
// phone offline), a resident at Celle-Lévescault — 6 km from Lusignan's stop, 17 km from
// Ligugé's — sees the bus's stop among the places with its next visit, opens the stop, adds
// the visit to the phone's calendar (the .ics is read back here), and opens « Prochains
// passages près de chez moi ». axe on each new page; screenshots tour-*.png at 390×844.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, phoneContext, startServer, waitForControllingWorker } from './harness.mjs';

const PLACES = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8')).places;
const BUS = 'france-services-2102';
const COMMUNES = Object.fromEntries(
  readFileSync(join(ROOT, 'seeds/communes-86.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map((f) => [f[0], { code: f[0], nom: f[1], lat: Number(f[6]), lon: Number(f[7]) }]),
);
const RESIDENT = COMMUNES['86045']; // Celle-Lévescault

/** The example tour's rows, as the stops file writes them (columns id, lieu, nom, code_insee, latitude, longitude, horaires). */
function tourRows() {
  const [header, ...lines] = readFileSync(join(ROOT, 'tests/fixtures/tournee-bus.csv'), 'utf8').trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
}

const MONTHS_OSM = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FR_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const FR_DAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];

/** The device's day `days` from today, as a UTC-midnight Date (its fields are the local date's). */
function inDays(days) {
  const now = new Date();
  return new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate() + days));
}
const osmDate = (d) => `${d.getUTCFullYear()} ${MONTHS_OSM[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')}`;
const frenchDay = (d) => `${FR_DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${FR_MONTHS[d.getUTCMonth()]}`;

/** The UTC instant of a wall-clock time in Paris, found with the platform's time-zone data (not the app's rule). */
function parisToUtc(day, hour) {
  for (const offset of [1, 2]) {
    const utc = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour - offset));
    const shown = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(utc);
    if (Number(shown) === hour) return utc;
  }
  throw new Error('no such time in Paris');
}
const icsTime = (d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Great-circle distance (km), computed independently of the core. */
function km(a, b) {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

/** A .ics file read as a calendar client reads it: CRLF lines, folded lines joined, values unescaped. */
function readIcs(text) {
  assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends');
  const lines = [];
  for (const raw of text.slice(0, -2).split('\r\n')) {
    assert.ok(Buffer.byteLength(raw) <= 75, `line of ${Buffer.byteLength(raw)} octets`);
    if (raw.startsWith(' ')) lines[lines.length - 1] += raw.slice(1);
    else lines.push(raw);
  }
  const unescape = (v) => v.replace(/\\([\\;,nN])/g, (_, c) => (c.toLowerCase() === 'n' ? '\n' : c));
  return lines.map((l) => [l.slice(0, l.indexOf(':')), unescape(l.slice(l.indexOf(':') + 1))]);
}

/**
 * Publishes the seeds with `rows` as the stops file, as the département does:
 * `publish-registry FILE --stops STOPS` (the places exported by the server itself).
 */
function publishTour(server, rows) {
  const db = join(server.dataDir, 'repere.sqlite');
  const places = join(server.dataDir, 'lieux.csv');
  execFileSync(SERVER_BIN, ['--database', db, 'export-registry', '--format', 'csv', '--out', places]);
  const stops = join(server.dataDir, 'arrets.csv');
  const columns = ['id', 'lieu', 'nom', 'code_insee', 'latitude', 'longitude', 'horaires'];
  writeFileSync(stops, [columns.join(','), ...rows.map((r) => columns.map((c) => r[c]).join(','))].join('\n') + '\n');
  return execFileSync(SERVER_BIN, ['--database', db, 'publish-registry', places, '--stops', stops], { encoding: 'utf8' });
}

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(() => chromium.close());

async function noViolations(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${state}`);
}

test('offline, a resident between two stops finds the next visit, adds it to the calendar, and lists the visits near him', async (t) => {
  // Two visits dated from today: Ligugé's in 3 days (sooner, farther), Lusignan's in 6 (nearer).
  const [ligugeDay, lusignanDay] = [inDays(3), inDays(6)];
  const rows = tourRows().map((r) => {
    if (r.id === 'bus-liguge') return { ...r, horaires: `${osmDate(ligugeDay)} 14:00-17:00` };
    if (r.id === 'bus-lusignan') return { ...r, horaires: `${osmDate(lusignanDay)} 09:00-12:00` };
    return r;
  });
  assert.equal(rows.length, 12);
  const stopAt = (id) => {
    const r = rows.find((s) => s.id === id);
    const c = COMMUNES[r.code_insee];
    return { ...r, lat: r.latitude ? Number(r.latitude) : c.lat, lon: r.longitude ? Number(r.longitude) : c.lon };
  };
  const byKm = rows.map((r) => stopAt(r.id)).sort((a, b) => km(RESIDENT, a) - km(RESIDENT, b));
  assert.equal(byKm[0].id, 'bus-lusignan', 'the nearest stop, computed here');
  const lusignan = byKm[0];

  const server = await startServer();
  t.after(() => server.stop());
  assert.match(publishTour(server, rows), /^version 2 published: 0 added, 1 changed, 0 removed/);
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await waitForControllingWorker(page);
  await page.getByText(`${PLACES.length} lieux d’aide`).waitFor();
  assert.equal(await server.stop(), 0);
  await context.setOffline(true);

  // Home → the commune typed → results: the stop among the places, by distance, with its visit.
  await page.reload();
  await page.getByLabel('Choisir ma commune').fill('celle levescault');
  await page.getByRole('button', { name: /^Celle-Lévescault/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Lieux d’aide près de Celle-Lévescault' }).waitFor();
  const cards = page.locator('.results > li');
  await cards.first().waitFor();
  const stopCard = cards.filter({ has: page.locator('.stop-of') }).first();
  assert.equal(await stopCard.getByRole('heading').innerText(), lusignan.nom);
  const visitWords = `${frenchDay(lusignanDay)}, 9 h – 12 h`;
  assert.equal(await stopCard.locator('.open-status').innerText(), `Prochain passage : ${visitWords}`);
  assert.equal(await stopCard.locator('.stop-of').innerText(), 'France services de Poitiers - La Blaiserie · arrêt');
  assert.match(await stopCard.locator('.km').innerText(), new RegExp(`^${km(RESIDENT, lusignan).toFixed(1).replace('.', ',')} km$`));
  const kms = (await cards.locator('.km').allInnerTexts()).map((s) => Number(s.replace(' km', '').replace(',', '.')));
  assert.deepEqual(kms, [...kms].sort((a, b) => a - b), 'places and stops by distance together');
  await noViolations(page, 'results with a stop');
  await page.screenshot({ path: join(SHOTS, 'tour-results.png'), fullPage: true });

  // The stop's sheet: its visit, « position approximative », the place's phone, the calendar file.
  await stopCard.getByRole('heading').getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: lusignan.nom }).waitFor();
  assert.match(await page.evaluate(() => location.hash), /^#\/arret\/bus-lusignan$/);
  await page.getByText('Adresse exacte non connue').waitFor();
  assert.equal(await page.locator('.visits li').count(), 1);
  assert.match(await page.locator('.visits li').innerText(), new RegExp(`^${visitWords}`));
  assert.equal(await page.getByRole('link', { name: 'Appeler le 05 49 58 96 95' }).getAttribute('href'), 'tel:+33549589695');
  assert.equal(await page.getByRole('link', { name: 'France services de Poitiers - La Blaiserie' }).getAttribute('href'), `#/lieu/${BUS}`);
  await noViolations(page, 'stop sheet');
  await page.screenshot({ path: join(SHOTS, 'tour-stop.png'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Ajouter à mon agenda' }).click()]);
  const day = lusignanDay.toISOString().slice(0, 10);
  assert.equal(download.suggestedFilename(), `repere-bus-lusignan-${day}.ics`);
  const ics = readIcs(readFileSync(await download.path(), 'utf8'));
  const field = (name) => ics.find(([k]) => k === name)?.[1];
  assert.deepEqual([ics[0], ics.at(-1)], [['BEGIN', 'VCALENDAR'], ['END', 'VCALENDAR']]);
  assert.equal(field('VERSION'), '2.0');
  assert.equal(field('SUMMARY'), lusignan.nom);
  assert.equal(field('LOCATION'), `${lusignan.nom}, Lusignan`);
  assert.equal(field('DTSTART'), icsTime(parisToUtc(lusignanDay, 9)));
  assert.equal(field('DTEND'), icsTime(parisToUtc(lusignanDay, 12)));
  assert.equal(field('UID'), `bus-lusignan-${day.replace(/-/g, '')}T090000@repere`);
  assert.equal(field('DESCRIPTION'), 'France services de Poitiers - La Blaiserie\n05 49 58 96 95');

  // « Prochains passages près de chez moi », from the results: 10 km, Lusignan's visit alone;
  // 20 km, Ligugé's sooner visit comes first, every visit by start.
  await page.goBack();
  await page.getByRole('link', { name: 'Prochains passages près de chez moi' }).click();
  await page.getByRole('heading', { level: 1, name: 'Prochains passages près de chez moi' }).waitFor();
  const visits = page.locator('.results > li');
  const within = (limit) => rows.map((r) => stopAt(r.id)).filter((s) => km(RESIDENT, s) <= limit).map((s) => s.nom);
  assert.deepEqual(within(10), [lusignan.nom]);
  assert.deepEqual(await visits.getByRole('heading').allInnerTexts(), [lusignan.nom]);
  assert.equal(await visits.locator('.open-status').innerText(), visitWords);
  await noViolations(page, 'passages 10 km');
  await page.screenshot({ path: join(SHOTS, 'tour-passages.png'), fullPage: true });
  await page.getByRole('link', { name: '20 km' }).click();
  await visits.nth(1).waitFor();
  const names = await visits.getByRole('heading').allInnerTexts();
  assert.deepEqual([...new Set(names)].sort(), within(20).sort(), 'every stop within 20 km that comes in 30 days');
  assert.ok(names.indexOf(stopAt('bus-liguge').nom) < names.indexOf(lusignan.nom), `${names}`);
  assert.equal(await visits.first().locator('.open-status').innerText(), `${frenchDay(ligugeDay)}, 14 h – 17 h`);
  await page.screenshot({ path: join(SHOTS, 'tour-passages-20km.png'), fullPage: true });
  // 5 km: none, said plainly.
  await page.getByRole('link', { name: '5 km' }).click();
  await page.getByText('Aucun passage prévu à moins de 5 km dans les 30 jours.').waitFor();
  await noViolations(page, 'passages none');
  // Home offers the page too, for the commune chosen.
  await page.getByRole('link', { name: 'Changer de recherche' }).click();
  const fromHome = page.getByRole('link', { name: 'Prochains passages près de chez moi' });
  assert.equal(await fromHome.getAttribute('href'), `#/passages?commune=${RESIDENT.code}&km=10`);

  // The place's sheet lists its stops, each with its next visit, linking to the stop.
  await page.goto(page.url().replace(/#.*$/, '') + `#/lieu/${BUS}`);
  await page.getByRole('heading', { level: 2, name: 'Où et quand il passe' }).waitFor();
  assert.equal(await page.getByRole('link', { name: lusignan.nom }).getAttribute('href'), '#/arret/bus-lusignan');
  assert.equal(await page.locator('.sheet ul.links').first().locator('li').count(), 12);
  await noViolations(page, 'place sheet with stops');
  await page.screenshot({ path: join(SHOTS, 'tour-place.png'), fullPage: true });

  // Arabic, right to left: the stop's sheet.
  await page.goto(page.url().replace(/#.*$/, '') + '#/arret/bus-lusignan');
  await page.getByRole('button', { name: 'العربية' }).click();
  await page.getByRole('heading', { level: 2, name: 'المرورات القادمة' }).waitFor();
  await noViolations(page, 'stop sheet ar');
  // Hours and the number isolated left to right, so a right-to-left line keeps them in order.
  assert.match(await page.locator('.visits li').first().innerText(), /\u20669:00 – 12:00\u2069/);
  assert.match(await page.locator('a.call').innerText(), /\u206605 49 58 96 95\u2069/);
  await page.screenshot({ path: join(SHOTS, 'tour-stop-ar.png'), fullPage: true });
  await page.getByRole('button', { name: 'Français' }).click();

  // The offline map draws the tour's 12 stops apart from the places.
  await page.goto(page.url().replace(/#.*$/, '') + '#/carte');
  await page.getByRole('heading', { level: 1, name: 'Carte des lieux d’aide' }).waitFor();
  await page.locator('.map .marker.stop').nth(11).waitFor();
  assert.equal(await page.locator('.map .marker.stop').count(), 12);
  await page.screenshot({ path: join(SHOTS, 'tour-map.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
