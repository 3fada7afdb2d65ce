// A resident's journey, offline after one visit: find help near a commune typed with a typo,
// open the nearest place, call it; "around me" with a mocked position; Arabic, right to left;
// the offline map. axe-core runs on every page and state, in each language.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, SHOTS, axeViolations, launchBrowser, phoneContext, startServer, storedMeta, waitForControllingWorker, assertNoCspViolations } from './harness.mjs';

const PLACES = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8')).places;
const COMMUNES = Object.fromEntries(
  readFileSync(join(ROOT, 'seeds/communes-86.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map((f) => [f[1], { code: f[0], lat: Number(f[6]), lon: Number(f[7]) }]),
);

/** Great-circle distance (km), the same formula as the core, computed independently here. */
function km(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

/** The names of the places nearest to `from` (several when tied). */
function nearestNames(from) {
  const withKm = PLACES.filter((p) => p.latitude !== undefined).map((p) => ({ p, d: km(from, { lat: p.latitude, lon: p.longitude }) }));
  const best = Math.min(...withKm.map((x) => x.d));
  return withKm.filter((x) => x.d - best < 1e-6).map((x) => x.p);
}

const FR_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** Whole days from a date (YYYY-MM-DD) to the device's today. */
function ageInDays(date) {
  const [y, m, d] = date.split('-').map(Number);
  const now = new Date();
  return Math.round((Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) - Date.UTC(y, m - 1, d)) / 86_400_000);
}

function telOf(place) {
  return place.telephone ? `tel:${place.telephone}` : 'tel:+33567802222';
}

let chromium;
const figures = {};
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => {
  await chromium.close();
  writeFileSync(join(SHOTS, 'residents-figures.json'), JSON.stringify(figures, null, 2));
  console.log('residents figures', figures);
});

async function noViolations(page, state) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe on ${state}`);
  (figures.axe ??= {})[state] = violations.length;
}

/** A first visit online, until the registry is on the device. */
async function firstVisit(t, contextOptions = {}) {
  const server = await startServer();
  t.after(() => server.stop());
  const context = await phoneContext(chromium.browser, contextOptions);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await waitForControllingWorker(page);
  await page.getByText(`${PLACES.length} lieux d’aide`).waitFor();
  return { server, page, context, errors };
}

/** A first visit, then the server stopped and the phone offline. */
async function offlineAfterFirstVisit(t, contextOptions = {}) {
  const { server, page, context, errors } = await firstVisit(t, contextOptions);
  assert.equal(await server.stop(), 0);
  await context.setOffline(true);
  return { page, context, errors, url: server.url };
}

test('offline: "civrai" → Civray → nearest place → its sheet calls the right number', async (t) => {
  const { page, errors } = await offlineAfterFirstVisit(t);
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Hors connexion' }).waitFor();
  await page.getByText(`${PLACES.length} lieux d’aide`).waitFor();
  await noViolations(page, 'home fr');
  await page.screenshot({ path: join(SHOTS, 'home-fr-offline.png'), fullPage: true });

  await page.getByLabel('Choisir ma commune').fill('civrai');
  const suggestion = page.getByRole('button', { name: /^Civray/ });
  await suggestion.waitFor();
  await noViolations(page, 'home suggestions');
  await suggestion.click();
  await page.getByRole('heading', { level: 1, name: 'Lieux d’aide près de Civray' }).waitFor();
  assert.match(await page.evaluate(() => location.hash), /commune=86078/);
  const cards = page.locator('.results > li');
  await cards.first().waitFor();
  assert.equal(await cards.count(), 10);
  const expected = nearestNames(COMMUNES.Civray);
  const firstName = await cards.first().getByRole('heading').innerText();
  const place = expected.find((p) => p.nom === firstName);
  assert.ok(place, `first result "${firstName}" is one of the nearest: ${expected.map((p) => p.nom)}`);
  assert.match(await cards.first().innerText(), /\d+,\d km/);
  await noViolations(page, 'results fr');
  await page.screenshot({ path: join(SHOTS, 'results-civray-offline.png'), fullPage: true });

  // Filters: "Gratuit" keeps only free places.
  await page.locator('summary', { hasText: 'Filtres' }).click();
  await page.getByLabel('Gratuit', { exact: true }).check();
  await noViolations(page, 'results with filters open');
  const freeNames = await cards.getByRole('heading').allInnerTexts();
  for (const name of freeNames) {
    assert.ok(PLACES.find((p) => p.nom === name).frais_a_charge?.includes('Gratuit'), `${name} is free`);
  }
  await page.getByLabel('Gratuit', { exact: true }).uncheck();

  await cards.first().getByRole('link', { name: firstName }).click();
  await page.getByRole('heading', { level: 1, name: firstName }).waitFor();
  const call = page.locator('main a[href^="tel:"]').first();
  assert.equal(await call.getAttribute('href'), telOf(place));
  const geo = await page.locator('a[href^="geo:"]').getAttribute('href');
  assert.match(geo, new RegExp(`^geo:${place.latitude.toFixed(6)},${place.longitude.toFixed(6)}`));
  // The month and year of its date, and the warning when Mon Inclusion Numérique would say
  // « À actualiser » (18 months of 30.44 days or more: 548 days), counted here from the seed.
  const [y, m] = place.date_maj.split('-').map(Number);
  assert.match(await page.locator('.source').innerText(), new RegExp(`^Informations vérifiées en ${FR_MONTHS[m - 1]} ${y}, source `));
  const stale = ageInDays(place.date_maj) >= 548;
  assert.equal(await page.locator('.notice.stale').count(), stale ? 1 : 0, `${place.date_maj} stale: ${stale}`);
  if (stale) {
    assert.equal(await page.locator('.notice.stale').innerText(), 'Ces informations datent de plus d’un an et demi : appelez avant de vous déplacer.');
  }
  await page.getByRole('table').waitFor();
  await noViolations(page, 'sheet fr');
  await page.screenshot({ path: join(SHOTS, 'sheet-offline.png'), fullPage: true });

  // Back returns to the same list.
  await page.getByRole('button', { name: 'Retour' }).click();
  await page.getByRole('heading', { level: 1, name: 'Lieux d’aide près de Civray' }).waitFor();

  // Time from an offline reload (navigation start) to results on screen, as the page measures it.
  await page.reload();
  const shown = await page.waitForFunction(() => document.querySelector('.results > li') && performance.now(), null, { polling: 'raf' });
  figures.offlineReloadToResultsMs = Math.round(await shown.jsonValue());
  assert.deepEqual(errors, []);
});

test('around me: a position in Montmorillon gives the nearest place first', async (t) => {
  const point = { latitude: 46.4265, longitude: 0.8706 };
  const { page, errors } = await offlineAfterFirstVisit(t, { geolocation: point, permissions: ['geolocation'] });
  await page.reload();
  await page.getByRole('button', { name: 'Autour de moi' }).click();
  await page.getByRole('heading', { level: 1, name: 'Lieux d’aide autour de vous' }).waitFor();
  const first = await page.locator('.results > li').first().getByRole('heading').innerText();
  const expected = nearestNames({ lat: point.latitude, lon: point.longitude }).map((p) => p.nom);
  assert.ok(expected.includes(first), `"${first}" in ${expected}`);
  assert.match(await page.locator('.results > li').first().innerText(), /0,3 km/);
  assert.deepEqual(errors, []);
});

test('around me refused: a kind message and the commune search', async (t) => {
  const { page } = await offlineAfterFirstVisit(t, { permissions: [] });
  await page.reload();
  await page.getByRole('button', { name: 'Autour de moi' }).click();
  await page.getByText('Ce n’est pas grave').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'commune');
  await noViolations(page, 'home geolocation refused');
});

test('Arabic: right to left, translated, remembered; English too', async (t) => {
  const { page } = await offlineAfterFirstVisit(t);
  await page.reload();
  await page.getByRole('button', { name: 'العربية' }).click();
  await page.getByRole('heading', { level: 1, name: 'ابحث عن مساعدة في الأمور الرقمية قريبًا منك' }).waitFor();
  assert.deepEqual(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang]), ['rtl', 'ar']);
  await noViolations(page, 'home ar');
  await page.screenshot({ path: join(SHOTS, 'home-ar-offline.png'), fullPage: true });
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'ابحث عن مساعدة في الأمور الرقمية قريبًا منك' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl', 'the choice is remembered');

  await page.goto(page.url().replace(/#.*$/, '') + '#/resultats?commune=86078');
  await page.getByRole('heading', { level: 1, name: 'أماكن المساعدة قرب Civray' }).waitFor();
  await noViolations(page, 'results ar');
  await page.screenshot({ path: join(SHOTS, 'results-ar-offline.png'), fullPage: true });
  await page.locator('.results > li h2 a').first().click();
  await page.getByRole('table').waitFor();
  assert.match(await page.locator('.source').innerText(), /^معلومات تم التحقق منها في \S+ \d{4}، المصدر /);
  await noViolations(page, 'sheet ar');
  await page.screenshot({ path: join(SHOTS, 'sheet-ar-offline.png'), fullPage: true });
  await page.getByRole('link', { name: 'الخريطة' }).click();
  await page.locator('svg.map .marker').first().waitFor();
  await noViolations(page, 'map ar');

  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Map of places of help' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
  await noViolations(page, 'map en');
  await page.getByRole('link', { name: 'Search' }).click();
  await noViolations(page, 'home en');
});

test('offline map: outlines, one marker per place, zoom, a marker opens its sheet', async (t) => {
  const { page } = await offlineAfterFirstVisit(t);
  await page.reload();
  await page.getByLabel('Choisir ma commune').fill('montmorilon');
  await page.getByRole('button', { name: /^Montmorillon/ }).click();
  await page.locator('.results > li').first().waitFor();
  await page.getByRole('link', { name: 'Carte', exact: true }).click();
  const map = page.locator('svg.map');
  await map.waitFor();
  assert.equal(await map.locator('.communes path').count(), 265);
  assert.equal(await map.locator('.epci path').count(), 7);
  assert.equal(await map.locator('.marker').count(), PLACES.filter((p) => p.latitude !== undefined).length);
  await map.locator('.you').waitFor();
  await noViolations(page, 'map fr');
  await page.screenshot({ path: join(SHOTS, 'map-offline.png'), fullPage: true });
  const before = await map.getAttribute('viewBox');
  await page.getByRole('button', { name: 'Agrandir' }).click();
  const after = await map.getAttribute('viewBox');
  assert.ok(Number(after.split(' ')[2]) < Number(before.split(' ')[2]), `${before} → ${after}`);
  await page.getByRole('button', { name: 'Toute la Vienne' }).click();
  // By keyboard: a marker is a link.
  const marker = map.getByRole('link', { name: /Montmorillon$/ }).first();
  const label = await marker.getAttribute('aria-label');
  await marker.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: label.replace(/, [^,]+$/, '') }).waitFor();
  // By touch: the marker drawn last is on top of the others.
  await page.goBack();
  await page.getByRole('button', { name: 'Toute la Vienne' }).click();
  const top = page.locator('svg.map .marker').last();
  const topLabel = await top.getAttribute('aria-label');
  await top.tap();
  await page.getByRole('heading', { level: 1, name: topLabel.replace(/, [^,]+$/, '') }).waitFor();
});

test('large touch targets, and usable at 200% zoom (no sideways scrolling)', async (t) => {
  const { page } = await offlineAfterFirstVisit(t);
  for (const hash of ['#/', '#/resultats?commune=86078', '#/resultats?commune=86063', `#/lieu/${PLACES[0].id}`, '#/carte']) {
    await page.goto(page.url().replace(/#.*$/, '') + hash);
    await page.reload();
    await page.locator('main h1[tabindex]').waitFor();
    await page.waitForTimeout(300);
    const small = await page.$$eval('main button, main .button, main input[type=text], nav button', (els) =>
      els.map((e) => [e.textContent.trim() || e.getAttribute('aria-label'), e.getBoundingClientRect().height]).filter(([, h]) => h < 48),
    );
    assert.deepEqual(small, [], `targets under 48 px on ${hash}`);
    // 200% zoom on a 390 px phone is a 195 px wide layout.
    await page.setViewportSize({ width: 195, height: 422 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${hash} scrolls sideways by ${overflow} px at 200%`);
    await page.setViewportSize({ width: 390, height: 844 });
  }
});

test('a registry version published on the server reaches the phone online, and stays offline', async (t) => {
  const { server, page, context, errors } = await firstVisit(t);
  assert.equal(await storedMeta(page, 'registry_version'), 1);
  // No source publishes home visits: the filter is not offered.
  await page.goto(`${server.url}/#/resultats?commune=86078`);
  await page.locator('summary', { hasText: 'Filtres' }).click();
  await page.getByLabel('Gratuit').waitFor();
  assert.equal(await page.getByLabel('Vient chez vous').count(), 0);
  await page.goto(`${server.url}/#/`);

  // The département publishes version 2: one place gone, one renamed, two new at Civray, one
  // of which visits people at home.
  const civray = PLACES.find((p) => p.commune === 'Civray');
  const v2 = PLACES.filter((p) => p.id !== PLACES[0].id).map((p) => (p.id === PLACES[1].id ? { ...p, nom: `${p.nom} (nouveau nom)` } : p));
  const added = ['A', 'B'].map((k) => ({ ...civray, id: `repere-e2e-${k}`, nom: `Espace numérique ${k}`, latitude: COMMUNES.Civray.lat, longitude: COMMUNES.Civray.lon }));
  added[1].x_se_deplace_a_domicile = true;
  const file = join(server.dataDir, 'lieux-v2.json');
  writeFileSync(file, JSON.stringify([...v2, ...added]));
  assert.equal(server.publishRegistry(file), 'version 2 published: 2 added, 1 changed, 1 removed\n');

  // Next start, online: the phone pulls the changes and stores them with their version
  // (141 - 1 + 2 places: the removed one is gone).
  await page.reload();
  await page.getByText(`${PLACES.length + 1} lieux d’aide`).waitFor();
  assert.equal(await storedMeta(page, 'registry_version'), 2);

  // Server stopped, offline: version 2 is what the phone searches.
  assert.equal(await server.stop(), 0);
  await context.setOffline(true);
  await page.goto(`${server.url}/#/resultats?commune=86078`);
  await page.reload();
  const first = page.locator('.results > li').first();
  await first.waitFor();
  assert.match(await first.getByRole('heading').innerText(), /^Espace numérique [AB]$/);
  await page.screenshot({ path: join(SHOTS, 'results-after-registry-update-offline.png'), fullPage: true });
  // Now one place visits people at home: the filter is offered and keeps only it.
  await page.locator('summary', { hasText: 'Filtres' }).click();
  await page.getByLabel('Vient chez vous').check();
  await page.waitForFunction(() => document.querySelectorAll('.results > li').length === 1);
  assert.equal(await first.getByRole('heading').innerText(), 'Espace numérique B');
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'results-at-home-filter-offline.png'), fullPage: true });
  await first.getByRole('link').first().click();
  await page.getByText('Vient chez vous').waitFor();
  assert.deepEqual(errors, []);
});

/** Issue #14's estimate, computed here apart from the core: straight line × 1.3 at 60 km/h, in whole minutes rounded up. */
function minutesTo(from) {
  const nearest = Math.min(...PLACES.map((p) => km(from, { lat: p.latitude, lon: p.longitude })));
  return { exact: (nearest * 1.3 * 60) / 60, shown: Math.ceil((nearest * 1.3 * 60) / 60) };
}

test('help far: Chatain is told the travel time, the Département’s number comes first; Poitiers unchanged', async (t) => {
  const { page, errors } = await offlineAfterFirstVisit(t);
  const chatain = COMMUNES.Chatain;
  const { exact, shown } = minutesTo(chatain);
  assert.ok(exact > 10, `Chatain is beyond 10 minutes (${exact})`);
  await page.goto(page.url().replace(/#.*$/, '') + `#/resultats?commune=${chatain.code}`);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Lieux d’aide près de Chatain' }).waitFor();
  const notice = page.locator('section.far');
  await notice.getByRole('heading', { level: 2, name: 'L’aide est loin' }).waitFor();
  assert.equal(await notice.locator('p').innerText(), `L’aide la plus proche est à environ ${shown} minutes en voiture.`);
  const call = notice.getByRole('link', { name: 'Appeler le Département 05 67 80 22 22' });
  assert.equal(await call.getAttribute('href'), 'tel:+33567802222');
  assert.ok((await call.boundingBox()).height >= 64, 'a large touch target');
  // Before every place, and reached by keyboard before them.
  const firstCard = page.locator('.results > li').first();
  assert.ok(await call.evaluate((a, card) => !!(a.compareDocumentPosition(card) & Node.DOCUMENT_POSITION_FOLLOWING), await firstCard.elementHandle()));
  // No seed place visits people at home or helps remotely: no such group, the list as usual.
  assert.equal(await page.getByRole('heading', { name: 'Ils viennent chez vous ou aident à distance' }).count(), 0);
  const expected = nearestNames(chatain).map((p) => p.nom);
  assert.ok(expected.includes(await firstCard.getByRole('heading').innerText()));
  await noViolations(page, 'results far fr');
  await page.screenshot({ path: join(SHOTS, 'results-far-chatain.png'), fullPage: true });
  await page.screenshot({ path: join(SHOTS, 'results-far-chatain-screen.png') }); // what a 390×844 phone shows first

  await page.getByRole('button', { name: 'العربية' }).click();
  await notice.getByRole('heading', { level: 2, name: 'المساعدة بعيدة' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  assert.match(await notice.innerText(), new RegExp(`${shown} دقيقة`));
  assert.equal(await notice.locator('a[href="tel:+33567802222"]').count(), 1);
  await noViolations(page, 'results far ar');
  await page.screenshot({ path: join(SHOTS, 'results-far-chatain-ar.png'), fullPage: true });
  await page.screenshot({ path: join(SHOTS, 'results-far-chatain-ar-screen.png') }); // what a 390×844 phone shows first
  await page.getByRole('button', { name: 'Français' }).click();

  // Poitiers: help is near, nothing changes.
  assert.ok(minutesTo(COMMUNES.Poitiers).exact <= 10);
  await page.goto(page.url().replace(/#.*$/, '') + `#/resultats?commune=${COMMUNES.Poitiers.code}`);
  await page.getByRole('heading', { level: 1, name: 'Lieux d’aide près de Poitiers' }).waitFor();
  await page.locator('.results > li').first().waitFor();
  assert.equal(await page.locator('section.far').count(), 0);
  assert.equal(await page.getByText('L’aide est loin').count(), 0);
  assert.deepEqual(errors, []);
});

test('help far: places that visit people at home or help remotely come first, nearest first, then the rest', async (t) => {
  const { server, page, context, errors } = await firstVisit(t);
  // Version 2: one structure at Poitiers visits people at home, one at Loudun helps remotely.
  const at = (name) => PLACES.find((p) => p.commune === name);
  const home = { ...at('Poitiers'), id: 'repere-e2e-home', nom: 'Visites à domicile', x_se_deplace_a_domicile: true };
  const remote = { ...at('Loudun'), id: 'repere-e2e-remote', nom: 'Aide à distance', modalites_accompagnement: 'À distance' };
  const file = join(server.dataDir, 'lieux-v2.json');
  writeFileSync(file, JSON.stringify([...PLACES, home, remote]));
  assert.equal(server.publishRegistry(file), 'version 2 published: 2 added, 0 changed, 0 removed\n');
  await page.reload();
  await page.getByText(`${PLACES.length + 2} lieux d’aide`).waitFor();
  assert.equal(await server.stop(), 0);
  await context.setOffline(true);

  const chatain = COMMUNES.Chatain;
  await page.goto(`${server.url}/#/resultats?commune=${chatain.code}`);
  await page.reload();
  await page.locator('section.far').waitFor();
  const groups = page.locator('main ol.results');
  assert.equal(await groups.count(), 2);
  // The group's heading, then its places by distance (computed here), then the others.
  const byKm = [home, remote].sort((a, b) => km(chatain, { lat: a.latitude, lon: a.longitude }) - km(chatain, { lat: b.latitude, lon: b.longitude }));
  const headings = await page.locator('main h2').allInnerTexts();
  assert.deepEqual(headings, ['L’aide est loin', 'Ils viennent chez vous ou aident à distance', 'Les autres lieux']);
  assert.deepEqual(await groups.nth(0).locator('h3').allInnerTexts(), byKm.map((p) => p.nom));
  const rest = await groups.nth(1).locator('h3').allInnerTexts();
  assert.ok(nearestNames(chatain).some((p) => p.nom === rest[0]), `${rest[0]} is the nearest`);
  assert.ok(!rest.includes(home.nom) && !rest.includes(remote.nom), 'none twice');
  await noViolations(page, 'results far with home visits');
  await page.screenshot({ path: join(SHOTS, 'results-far-home-visits.png'), fullPage: true });
  await page.screenshot({ path: join(SHOTS, 'results-far-home-visits-screen.png') }); // what a 390×844 phone shows first

  // Poitiers: near, the usual single list (the home-visiting place sits there, nearest).
  await page.goto(`${server.url}/#/resultats?commune=${COMMUNES.Poitiers.code}`);
  await page.getByRole('heading', { level: 1, name: 'Lieux d’aide près de Poitiers' }).waitFor();
  await page.locator('.results > li').first().waitFor();
  assert.equal(await groups.count(), 1);
  assert.equal(await page.locator('section.far').count(), 0);
  assert.deepEqual(errors, []);
});
