// A mediator on the bus: enrol the phone, log contacts with no network (reloading midway), come
// back in range: the server holds each contact exactly once — also when the server stops in the
// middle of a push, and when it is down while the phone stays online (the retry comes by itself).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  DIST, ROOT, SHOTS, axeViolations, copyOfDist, launchBrowser, logContact, pending, phoneContext, startServer, storedMeta, waitForControllingWorker, assertNoCspViolations,
} from './harness.mjs';

let chromium;
const figures = {};
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => {
  await chromium.close();
  writeFileSync(join(SHOTS, 'mediators-figures.json'), JSON.stringify(figures, null, 2));
  console.log('mediators figures', figures);
});

/** The device token the app stored at enrolment (to ask the server what it holds). */
async function token(page) {
  return JSON.parse(await storedMeta(page, 'device')).token;
}

async function serverCount(url, bearer) {
  const response = await fetch(`${url}/api/v1/contacts/count`, { headers: { Authorization: `Bearer ${bearer}` } });
  assert.equal(response.status, 200);
  return (await response.json()).count;
}

/** Unfolds "Plus de détails" (date, place, equipment, orientation…) if it is folded. */
async function moreDetails(page) {
  const more = page.locator('form.contact details.more');
  if (!(await more.evaluate((d) => d.open))) await more.locator('summary').click();
}

/** The files of the mediators' space the service worker holds (empty on a resident's phone). */
async function cachedMediationFiles(page) {
  return page.evaluate(async () => {
    const cache = await caches.open((await caches.keys())[0]);
    return (await cache.keys()).map((r) => new URL(r.url).pathname).filter((p) => p.startsWith('/mediation/')).sort();
  });
}

/** Waits until the cache holds every file of the mediators' space (the service worker's list). */
async function mediationCached(page, dist = DIST) {
  const wanted = JSON.parse(readFileSync(join(dist, 'sw.js'), 'utf8').match(/const MEDIATION = (\[[^\]]*\])/)[1]).sort();
  assert.ok(wanted.includes('/mediation/index.html') && wanted.some((f) => f.endsWith('.wasm')), wanted.join(' '));
  for (let tries = 0; (await cachedMediationFiles(page)).join(' ') !== wanted.join(' '); tries++) {
    assert.ok(tries < 100, `the mediators' space is cached within 10 s: ${await cachedMediationFiles(page)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A fresh server and a phone enrolled for `structure` (code typed in lower case), online. The
 * mediator `arrives` from the residents' menu (the app already installed), by typing the
 * address of the mediators' space on a first visit, or by an address from before it had one.
 */
async function mediatorPhone(t, structure, { arrives = 'menu', dist } = {}) {
  const server = await startServer({ dist });
  t.after(() => server.stop());
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (arrives === 'menu') {
    await page.goto(server.url);
    await waitForControllingWorker(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Médiateurs' }).click();
  } else {
    await page.goto(arrives === 'address' ? `${server.url}/mediation/` : `${server.url}/#/mediation`);
  }
  await page.waitForURL(`${server.url}/mediation/`);
  await waitForControllingWorker(page);
  await mediationCached(page, dist);
  await page.getByLabel('Code d’inscription').fill(server.enrolmentCode(structure).toLowerCase());
  await page.getByRole('button', { name: 'Inscrire ce téléphone' }).click();
  await page.getByText(`Structure : ${structure}`).waitFor();
  return { server, context, page, errors, bearer: await token(page) };
}

test('20 contacts logged offline, with a reload midway, reach the server exactly once', async (t) => {
  const phone = await mediatorPhone(t, 'La Blaiserie');
  const { context, page, errors, bearer } = phone;
  let server = phone.server;
  assert.deepEqual(await axeViolations(page), []);

  await context.setOffline(true);
  const durations = [];
  let taps = 0;
  for (let i = 1; i <= 20; i++) {
    const started = Date.now();
    taps = await logContact(page);
    durations.push(Date.now() - started);
    if (i === 10) {
      await page.reload();
      await pending(page, 10);
    }
  }
  await pending(page, 20);
  await page.screenshot({ path: join(SHOTS, 'mediator-form-offline.png'), fullPage: true });
  assert.equal(await serverCount(server.url, bearer), 0, 'nothing left the phone while offline');
  figures.tapsPerContact = taps;
  figures.msPerContact = { median: durations.sort((a, b) => a - b)[10], max: durations[19] };

  // Back in range: the `online` event syncs.
  await context.setOffline(false);
  await pending(page, 0);
  assert.equal(await serverCount(server.url, bearer), 20);
  await page.getByText(/^Dernier envoi réussi : \d\d\/\d\d à \d+ h \d\d\.$/).waitFor();

  // The server stops in the middle of a push: it stored the batch, the answer never came back.
  await context.setOffline(true);
  for (let i = 0; i < 5; i++) await logContact(page);
  let delivered = 0;
  // The context sees requests the service worker makes on the page's behalf.
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
  assert.equal(await serverCount(server.url, bearer), 25, 'the server stored the batch whose answer was lost');
  await pending(page, 5);
  const { port, dataDir } = server;
  assert.equal(await server.stop({ keepData: true }), 0);
  server = await startServer({ port, dataDir });
  t.after(() => server.stop());
  await page.getByRole('button', { name: 'Synchroniser' }).click();
  await pending(page, 0);
  assert.equal(await serverCount(server.url, bearer), 25, 'the 5 re-sent contacts were acknowledged as duplicates');
  await page.screenshot({ path: join(SHOTS, 'mediator-outbox-synced.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('on a 390×844 phone the usual contact fits in about two screens, "Enregistrer" always in reach', async (t) => {
  const { page } = await mediatorPhone(t, 'La Blaiserie');
  const form = page.locator('form.contact');
  const heights = await form.evaluate((f) => {
    const top = f.getBoundingClientRect().top;
    return { usual: f.querySelector('details.more').getBoundingClientRect().bottom - top, form: f.getBoundingClientRect().height, page: document.scrollingElement.scrollHeight };
  });
  figures.formHeights = heights;
  assert.ok(heights.usual <= 2 * 844, `type, duration, themes, age band, status and "Plus de détails" in two screens: ${heights.usual} px`);
  // Wherever the form is scrolled to, the button is on screen.
  const save = page.getByRole('button', { name: 'Enregistrer le contact' });
  for (const group of ['Type', 'Thématiques', 'Statut']) {
    await page.getByRole('group', { name: group }).evaluate((g) => g.scrollIntoView({ block: 'start' }));
    const box = await save.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 844, `"Enregistrer" on screen at ${group}: ${JSON.stringify(box)}`);
  }
  // Chips keep their radio and checkbox semantics under a legend, and are large enough to tap.
  assert.equal(await page.getByRole('group', { name: 'Durée' }).getByRole('radio').count(), 6);
  assert.equal(await page.getByRole('group', { name: 'Thématiques' }).getByRole('checkbox').count(), 19);
  await moreDetails(page);
  const small = await form.evaluate((f) =>
    [...f.querySelectorAll('label.chip, button, summary, input[type=text], select')]
      .map((e) => [e.textContent.trim() || e.id, e.getBoundingClientRect().height])
      .filter(([, h]) => h < 48),
  );
  assert.deepEqual(small, [], 'targets under 48 px');
  // By keyboard: arrows move within a group of chips, as with any radio buttons.
  await page.getByRole('group', { name: 'Durée' }).getByLabel('30 min').focus();
  await page.keyboard.press('ArrowRight');
  assert.ok(await page.getByLabel('45 min').isChecked());
  assert.deepEqual(await axeViolations(page), []);
  // The last choices are remembered for the next contact, across a reload.
  await logContact(page);
  await page.reload();
  await page.getByText('Structure : La Blaiserie').waitFor();
  assert.ok(await page.getByRole('group', { name: 'Durée' }).getByLabel('45 min').isChecked());
});

test('the server comes back while the phone stayed online: the contact leaves by itself, within a minute', async (t) => {
  const phone = await mediatorPhone(t, 'Centre socioculturel de Lussac');
  const { page, errors, bearer } = phone;
  await page.evaluate(() => {
    window.onlineEvents = 0;
    addEventListener('online', () => window.onlineEvents++);
  });
  const { port, dataDir } = phone.server;
  assert.equal(await phone.server.stop({ keepData: true }), 0);
  const down = Date.now();
  await logContact(page);

  // The push failed: the status says so once (a live region) and counts down to the next try,
  // never more than a minute away, outside any live region.
  await page.getByRole('status').filter({ hasText: 'Envoi impossible pour l’instant (serveur injoignable).' }).waitFor();
  const retry = page.locator('.sync .retry');
  assert.equal(await retry.evaluate((p) => p.closest('[aria-live], [role=status], [role=alert], [role=log], [role=timer]')), null);
  // What a screen reader would hear again: any change in the page's live regions from now on.
  await page.evaluate(() => {
    window.liveChanges = 0;
    const observer = new MutationObserver((changes) => (window.liveChanges += changes.length));
    for (const live of document.querySelectorAll('[aria-live], [role=status], [role=alert]')) {
      observer.observe(live, { childList: true, characterData: true, subtree: true });
    }
  });
  const seen = [];
  while (Date.now() - down < 3_000) {
    const shown = (await retry.textContent()).match(/^Nouvel essai dans (\d+) s\.$/);
    if (shown) seen.push(Number(shown[1]));
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(seen.length > 0 && seen.every((s) => s <= 60), `seconds shown: ${seen}`);
  assert.ok(seen.some((s, i) => s === seen[i - 1] - 1), `the number counts down: ${seen}`);
  assert.equal(await page.evaluate(() => window.liveChanges), 0, 'the tries and the countdown are not announced again');
  await page.getByText(/^Nouvel essai dans \d+ s\.$/).waitFor();
  await page.locator('.sync').evaluate((section) => section.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(SHOTS, 'mediator-retry.png') });
  assert.deepEqual(await axeViolations(page), []);
  await pending(page, 1);

  // The server returns on the same port and data: no tap, no `online` event, the contact arrives.
  const server = await startServer({ port, dataDir });
  t.after(() => server.stop());
  const back = Date.now();
  figures.serverDownSeconds = (back - down) / 1000;
  while ((await serverCount(server.url, bearer)) === 0) {
    assert.ok(Date.now() - back < 61_000, 'the contact reached the server within a minute of its return');
    await new Promise((r) => setTimeout(r, 250));
  }
  figures.retryAfterServerBackSeconds = (Date.now() - back) / 1000;
  await pending(page, 0);
  assert.equal(await serverCount(server.url, bearer), 1);
  assert.equal(await retry.textContent(), '', 'nothing scheduled once everything is sent');
  assert.equal(await page.evaluate(() => window.onlineEvents), 0);
  assert.deepEqual(errors, []);
});

test('a contact at a place of the registry, oriented to another one, reaches the server', async (t) => {
  const { server, context, page, bearer } = await mediatorPhone(t, 'France services de Civray', { arrives: 'old-address' });
  await moreDetails(page);
  await page.getByRole('group', { name: 'Lieu' }).getByLabel('Un lieu de l’annuaire').check();
  await page.getByRole('textbox', { name: 'Lieu de l’annuaire' }).fill('france services civray');
  await page.getByRole('button', { name: 'France services de Civray, Civray' }).click();
  await page.getByText('Choisi : France services de Civray, Civray').waitFor();
  await page.getByLabel('Orientation vers (facultatif)').selectOption({ label: 'Structure d’aide sociale (maison des solidarités, centre social…)' });
  await page.getByLabel('Lieu d’orientation dans l’annuaire (facultatif)').fill('solidarités civray');
  await page.getByRole('button', { name: /^Maison Départementale des Solidarités de Proximité, Civray$/ }).click();
  await logContact(page);
  assert.equal(await page.getByLabel('Orientation vers (facultatif)').inputValue(), '', 'the form is ready for the next person');
  await pending(page, 0);
  assert.equal(await serverCount(server.url, bearer), 1);
  assert.deepEqual(await axeViolations(page), []);
});

test('a sync also brings the registry up to date: a place published meanwhile can be picked at once', async (t) => {
  const { server, context, page, bearer } = await mediatorPhone(t, 'La Blaiserie');
  await context.setOffline(true);
  await logContact(page);
  // While the bus is out of range, the département publishes a new place.
  const places = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8')).places;
  const file = join(server.dataDir, 'lieux-v2.json');
  writeFileSync(file, JSON.stringify([...places, { ...places[0], id: 'repere-e2e-bus-stop', nom: 'Arrêt du bus connecté de Lussac' }]));
  assert.match(server.publishRegistry(file), /^version 2 published: 1 added/);

  await context.setOffline(false);
  await pending(page, 0);
  assert.equal(await serverCount(server.url, bearer), 1);
  await moreDetails(page);
  await page.getByRole('group', { name: 'Lieu' }).getByLabel('Un lieu de l’annuaire').check();
  await page.getByRole('textbox', { name: 'Lieu de l’annuaire' }).fill('bus connecte lussac');
  await page.getByRole('button', { name: /^Arrêt du bus connecté de Lussac,/ }).click({ timeout: 15_000 });
});

test('signing out is refused while contacts are unsent and not exported', async (t) => {
  const { server, context, page, bearer } = await mediatorPhone(t, 'Marché de Civray');
  await context.setOffline(true);
  await logContact(page);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByText('Des contacts ne sont pas encore envoyés').waitFor();
  assert.ok(await page.getByText('Structure : Marché de Civray').isVisible(), 'still signed in');
  // A bad contact is refused with its field named, and nothing is saved.
  await page.getByRole('button', { name: 'Enregistrer le contact' }).click();
  await page.getByRole('alert').filter({ hasText: 'thématiques : choisissez au moins une thématique' }).waitFor();
  await pending(page, 1);
  // Not yet sent: it can be corrected, then deleted; then signing out is allowed.
  await page.getByRole('button', { name: 'Corriger' }).click();
  await page.getByRole('heading', { name: 'Corriger le contact' }).waitFor();
  assert.ok(await page.getByLabel('70 ans et plus').isChecked(), 'the form holds the contact');
  await page.getByLabel('60 - 69 ans').check();
  await page.getByRole('button', { name: 'Enregistrer la correction' }).click();
  await page.getByText('Contact corrigé.').waitFor();
  await pending(page, 1);
  await page.getByRole('button', { name: 'Supprimer' }).click();
  await pending(page, 0);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByLabel('Code d’inscription').waitFor();
});

test('a market-day session: +1 tallies and logged contacts, a summary, all synced once', async (t) => {
  // First visit straight to the mediators' space: the service worker caches it at install.
  const { server, context, page, bearer } = await mediatorPhone(t, 'Marché de Civray', { arrives: 'address' });
  await context.setOffline(true);

  await page.getByRole('group', { name: 'Où êtes-vous ?' }).getByLabel('Marché ou stand').check();
  await page.getByLabel('Commune', { exact: true }).fill('civrai');
  await page.getByRole('button', { name: 'Commencer la session' }).click();
  await page.getByText('Marché ou stand, Civray — depuis').waitFor();
  const tally = page.getByRole('button', { name: '+1 personne renseignée' });
  for (let i = 0; i < 3; i++) await tally.click();
  await page.getByText('3 personne(s) renseignée(s), 0 contact(s) noté(s) dans cette session').waitFor();
  await page.reload();
  await page.getByText('3 personne(s) renseignée(s), 0 contact(s) noté(s) dans cette session').waitFor();
  await logContact(page);
  await page.getByText('3 personne(s) renseignée(s), 1 contact(s) noté(s) dans cette session').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'mediator-session.png') });
  await page.getByRole('button', { name: 'Terminer la session' }).click();
  await page.getByText('Session terminée — Marché ou stand, Civray : 3 personne(s) renseignée(s), 1 contact(s) noté(s).').waitFor();
  await pending(page, 4);
  await context.setOffline(false);
  await pending(page, 0);
  assert.equal(await serverCount(server.url, bearer), 4);
});

test("a new release on a mediator's phone keeps the mediators' space offline", async (t) => {
  const dist = copyOfDist();
  const { server, context, page } = await mediatorPhone(t, 'La Blaiserie', { dist });
  // Ship a new release; the mediator accepts it from the mediators' space.
  const swPath = join(dist, 'sw.js');
  writeFileSync(swPath, readFileSync(swPath, 'utf8').replace(/const VERSION = '[0-9a-f]{16}'/, "const VERSION = 'nouvelle-version'"));
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  const banner = page.getByRole('status').filter({ hasText: 'Une nouvelle version de Repère est prête.' });
  await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'Mettre à jour' }).click()]);
  await waitForControllingWorker(page);
  assert.deepEqual(await page.evaluate(() => caches.keys()), ['repere-nouvelle-version']);
  // The new release's install cached the mediators' space with the rest: it opens offline.
  await mediationCached(page, dist);
  await server.stop();
  await context.setOffline(true);
  await page.reload();
  await page.getByText('Structure : La Blaiserie').waitFor();
});
