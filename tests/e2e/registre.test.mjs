// The registry's upkeep (/registre/, the coordinators' fourth bundle) as a coordinator uses it on
// a phone: 20 proposals of a mediator moderated in a counted number of taps — one edited, one
// refused with a one-tap reason, the rest accepted —, a wrong value refused by the server and
// shown next to its field with every decision kept, then one publication making one new registry
// version that carries the accepted values (and not the refused one) to residents' phones, the
// history with « Annuler ce changement », and axe on each screen. Then candidates (one accepted
// and published), a duplicate kept apart, reminders (mailto: with a new link, tel:, a frequency)
// and the consultation counts a phone sent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, phoneContext, startServer, storedMeta, waitForControllingWorker } from './harness.mjs';

const SEED = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8'));

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

function uuid7() {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The registry a resident's phone would pull from `since`. */
async function registry(server, since = 0) {
  const response = await fetch(`${server.url}/api/v1/registry?since=${since}`);
  assert.equal(response.status, 200);
  return response.json();
}

/** A new phone number for the i-th place, in the standard's form. */
const phone = (i) => `+3354900${String(1000 + i).padStart(4, '0')}`;

test('a coordinator moderates 20 proposals in few taps and publishes them as one version', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const database = join(server.dataDir, 'repere.sqlite');
  const start = (await registry(server)).version;

  // A mediator proposes a new phone number for 20 places, from the version his phone holds.
  const places = SEED.places.slice(0, 20);

  // A resident's phone, installed before the moderation, then without signal.
  const residents = await phoneContext(chromium.browser);
  t.after(() => residents.close());
  const resident = await residents.newPage();
  await resident.goto(`${server.url}/#/lieu/${places[2].id}`);
  await waitForControllingWorker(resident);
  assert.equal(await storedMeta(resident, 'registry_version'), start);
  await residents.setOffline(true);
  const code = server.enrolmentCode('France Services de Civray');
  const device = await (await fetch(`${server.url}/api/v1/devices`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) })).json();
  const proposals = places.map((p, i) => ({ id: uuid7(), seq: i + 1, place_id: p.id, version: start, changes: { telephone: phone(i) }, note: 'Numéro donné à l’accueil' }));
  const pushed = await fetch(`${server.url}/api/v1/contacts`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${device.token}` }, body: JSON.stringify({ contacts: [], proposals }),
  });
  assert.equal(pushed.status, 200, await pushed.text());

  // A phone never enrolled here: the same code as the coordination space's.
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const coordination = execFileSync(SERVER_BIN, ['--database', database, 'enrol', '--role', 'coordination'], { encoding: 'utf8' }).trim();
  await page.goto(`${server.url}/registre/`);
  await waitForControllingWorker(page);
  await page.getByLabel('Code de coordination').fill(coordination);
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('heading', { name: 'À modérer' }).waitFor();
  const cards = page.locator('ol.queue > li > article');
  await cards.first().waitFor();
  assert.equal(await cards.count(), 20);
  assert.equal(await page.locator('#en-attente').innerText(), '20 en attente, les plus anciens d’abord.');
  /** The card of the i-th place, found by its heading (each of the 20 has its own name). */
  const card = (i) => page.locator('ol.queue > li > article', { has: page.getByRole('heading', { name: `${places[i].nom} (${places[i].commune})`, exact: true }) });
  // Each card: the place, who proposed, and the field's old → new value.
  const first = card(0);
  assert.match(await first.innerText(), /Correction proposée · France Services de Civray · reçu le \d\d\/\d\d\/20\d\d/);
  assert.equal((await first.locator('dd ins').first().innerText()).replace(/\u00a0/g, ' '), '05 49 00 10 00');
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'registre-queue.png') });

  const began = Date.now();
  let taps = 0;
  const tap = async (locator) => {
    await locator.click();
    taps++;
  };
  // The first: edited. A value that is no phone number is named in the form, nothing decided;
  // the number is typed as people write it and sent in the standard's form.
  await tap(first.getByRole('button', { name: 'Modifier puis accepter' }));
  const input = first.getByRole('textbox').first();
  assert.equal((await input.inputValue()).replace(/\u00a0/g, ' '), '05 49 00 10 00', 'the proposed value, as people write it');
  await input.fill('pas un numéro');
  taps++;
  await page.screenshot({ path: join(SHOTS, 'registre-edit.png') });
  await tap(first.getByRole('button', { name: 'Accepter avec ces valeurs' }));
  await first.getByRole('alert').filter({ hasText: /^Téléphone : « pas un numéro »/ }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'registre-error.png') });
  await input.fill('05 49 99 99 99');
  taps++;
  await tap(first.getByRole('button', { name: 'Accepter avec ces valeurs' }));
  // The second: refused with a one-tap reason.
  await tap(card(1).getByRole('button', { name: 'Refuser' }));
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'registre-refuse.png') });
  await tap(card(1).getByRole('button', { name: 'Pas une erreur' }));
  // The 18 others: accepted.
  for (let i = 2; i < 20; i++) await tap(card(i).getByRole('button', { name: 'Accepter', exact: true }));
  const publish = page.getByRole('button', { name: 'Publier 20 changements' });

  // A reload (or a phone switched off) loses no decision: they are kept on the device (written
  // as each is taken; the test waits for the last write, a person's next tap takes longer).
  await publish.waitFor();
  await page.waitForFunction(async () => {
    const db = await new Promise((ok) => { const r = indexedDB.open('repere'); r.onsuccess = () => ok(r.result); });
    const stored = await new Promise((ok) => { const r = db.transaction('meta').objectStore('meta').get('registre_decisions'); r.onsuccess = () => ok(r.result); });
    db.close();
    const text = typeof stored === 'string' ? stored : JSON.stringify(stored ?? '');
    return (text.match(/\\?"id\\?"/g) || []).length === 20;
  }, null, { polling: 100 });
  await page.reload();
  await publish.waitFor();
  assert.equal(await cards.count(), 20);
  assert.match(await first.locator('.decided').innerText(), /^Accepté avec vos modifications/);
  assert.equal((await registry(server)).version, start, 'nothing published before « Publier »');
  await tap(publish);
  const status = page.locator('.publish .notice');
  await page.getByText(/^Publié : version \d+ du registre/).waitFor();
  assert.match(await status.innerText(), new RegExp(`^Publié : version ${start + 1} du registre \\(19 acceptés, 1 refusé\\)\\.$`));
  const seconds = (Date.now() - began) / 1000;
  // 20 proposals, one wrong value corrected: 1 tap each for most, 5 to edit, 2 to refuse, 1 to publish.
  assert.ok(taps <= 30, `${taps} taps`);
  console.log(`moderation: 20 proposals in ${taps} taps, ${seconds.toFixed(1)} s`);
  await page.getByText('Rien à modérer. Merci !').waitFor();
  await page.screenshot({ path: join(SHOTS, 'registre-published.png') });

  // One new version: a resident's phone at `start` receives the 19 accepted numbers, not the refused one.
  const update = await registry(server, start);
  assert.equal(update.version, start + 1);
  const got = new Map(update.places.map((p) => [p.id, p.telephone]));
  assert.equal(got.get(places[0].id), '+33549999999');
  for (let i = 2; i < 20; i++) assert.equal(got.get(places[i].id), phone(i), places[i].nom);
  assert.ok(!got.has(places[1].id) || (got.get(places[1].id) ?? null) === (places[1].telephone ?? null), 'the refused proposal is not published');

  // The resident's phone, back in range: at its next start the delta brings the new number.
  await residents.setOffline(false);
  await resident.reload();
  const dialled = (i) => `tel:${phone(i)}`;
  await resident.locator(`a[href="${dialled(2)}"]`).first().waitFor();
  assert.equal(await storedMeta(resident, 'registry_version'), start + 1);

  // The history, newest first: undo the last accepted change, as a new version.
  await page.getByText('Historique des changements').click();
  const entries = page.locator('.history ol.queue > li');
  await entries.first().waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await entries.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'registre-history.png') });
  const newest = entries.first();
  const undone = await newest.locator('h3').innerText();
  await newest.getByRole('button', { name: 'Annuler ce changement' }).click();
  await page.locator('#annulation').getByText(`Annulé : version ${start + 2} du registre.`, { exact: true }).waitFor();
  // The undo is itself in the history, newest first, and the undone entry says so.
  await page.locator('.history ol.queue > li', { hasText: undone }).getByText('Annulé', { exact: true }).waitFor();
  assert.equal((await registry(server)).version, start + 2);
  assert.deepEqual(errors, []);
});

test('a coordinator accepts a candidate, keeps a duplicate apart, reminds places and reads the consultations', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const database = join(server.dataDir, 'repere.sqlite');
  execFileSync(SERVER_BIN, ['--database', database, 'candidates', 'import', join(ROOT, 'seeds/candidats.csv')], { stdio: 'ignore' });
  // A phone's consultation counts, sent in aggregate (public, no identifier).
  const today = new Date().toISOString().slice(0, 10);
  const viewed = SEED.places[0];
  const sent = await fetch(`${server.url}/api/v1/consultations`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: uuid7(), jours: [{ jour: today, lieux: [{ id: viewed.id, vues: 7, appels: 2, itineraires: 1 }], communes: [{ code: '86194', recherches: 4 }] }] }),
  });
  assert.equal(sent.status, 200, await sent.text());

  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const code = execFileSync(SERVER_BIN, ['--database', database, 'enrol', '--role', 'coordination'], { encoding: 'utf8' }).trim();
  await page.goto(`${server.url}/registre/`);
  await page.getByLabel('Code de coordination').fill(code);
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('heading', { name: 'À modérer' }).waitFor();
  const token = JSON.parse(await storedMeta(page, 'coordinator')).token;
  const api = async (path) => (await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const show = async (tab, heading) => {
    await page.getByRole('link', { name: tab, exact: true }).click();
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await page.waitForFunction(() => !document.querySelector('main .registry'));
    assert.equal(await page.getByText(/^Impossible de lire/).count(), 0, `${tab} reads its answer`);
  };

  // Candidates: one complete library accepted becomes a published place, in one new version.
  await show('Candidats', 'Lieux candidats');
  const listed = await api('/api/v1/candidates');
  const pending = listed.counts.pending;
  assert.ok(pending > 100, `${pending} candidates`);
  assert.equal(await page.locator('#candidats-compte').innerText(), `${pending} à vérifier, 0 accepté, 0 refusé.`);
  // Twenty shown, the rest folded under « Voir les N autres ».
  await page.locator('main > ol.queue > li').nth(19).waitFor();
  assert.equal(await page.locator('main > ol.queue > li').count(), 20);
  assert.equal(await page.getByText(`Voir les ${pending - 20} autres`).count(), 1);
  const chosen = listed.candidates.slice(0, 20).find((c) => c.adresse && c.commune && !(c.a_completer || []).length);
  assert.ok(chosen, 'a complete candidate');
  const before = (await registry(server)).version;
  const candidate = page.locator('ol.queue > li > article', { has: page.getByRole('heading', { name: `${chosen.nom} (${chosen.commune})`, exact: true }) }).first();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'registre-candidates.png') });
  // The coordinator called the library: its public computers are checked too.
  await candidate.getByLabel('Ordinateurs et connexion ouverts au public (vérifié)').check();
  await candidate.getByRole('button', { name: 'Accepter' }).click();
  await page.locator('#candidats-compte').getByText(`${pending - 1} à vérifier, 1 accepté, 0 refusé.`).waitFor();
  const update = await registry(server, before);
  assert.equal(update.version, before + 1);
  const published = update.places.find((p) => p.nom === chosen.nom);
  assert.ok(published, 'the accepted candidate is published');
  assert.equal(published.services, 'Accès internet et matériel informatique', 'with the service checked');
  // A centre social has no address in its source: accepting it asks for one, named.
  const social = listed.candidates.find((c) => (c.a_completer || []).includes('adresse'));
  if (social) {
    const card = page.locator('ol.queue > li > article', { has: page.getByRole('heading', { name: `${social.nom} (${social.commune})`, exact: true }) }).first();
    if (!(await card.isVisible())) await page.getByText(/^Voir les \d+ autres$/).click();
    await card.getByRole('button', { name: 'Accepter' }).click();
    await card.getByText(/Non enregistré : .*adresse/).waitFor();
    await card.getByLabel('Adresse vérifiée (numéro et rue)').fill('37 rue de la Blaiserie');
    await card.getByRole('button', { name: 'Accepter' }).click();
    await page.locator('#candidats-compte').getByText(`${pending - 2} à vérifier, 2 acceptés, 0 refusé.`).waitFor();
  }

  // Likely duplicates: the Gençay pair kept apart leaves the list, and stays decided.
  await page.getByText('Doublons probables', { exact: true }).click();
  const pairs = page.locator('#doublons-probables ol.queue > li');
  await pairs.first().waitFor();
  const count = await pairs.count();
  const gencay = pairs.filter({ hasText: 'France services de Gençay' }).first();
  assert.match(await gencay.innerText(), /En commun : même téléphone/);
  assert.deepEqual(await axeViolations(page), []);
  await gencay.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'registre-duplicates.png') });
  await gencay.getByRole('button', { name: 'Garder séparés' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('#doublons-probables ol.queue > li').length === n - 1, count);
  assert.equal((await api('/api/v1/duplicates')).pairs.length, count - 1);

  // Reminders: places to write to (a new link in a mailto:) and to call (tel:), a frequency.
  await show('Relances', 'Relances');
  const due = (await api('/api/v1/reminders')).due;
  const mail = due.filter((d) => d.courriel);
  assert.match(await page.locator('#a-ecrire').innerText(), new RegExp(`\\(${mail.length}\\)`));
  assert.match(await page.locator('#a-appeler').innerText(), new RegExp(`\\(${due.length - mail.length}\\)`));
  const toCall = page.locator('section', { has: page.locator('#a-appeler') });
  assert.equal(await toCall.locator('a[href^="tel:"]').count(), due.filter((d) => !d.courriel && d.telephone).length);
  const firstMail = page.locator('section', { has: page.locator('#a-ecrire') }).locator('ol > li').first();
  await firstMail.getByRole('button', { name: 'Créer le lien de mise à jour' }).click();
  const mailto = await firstMail.getByRole('link', { name: 'Écrire au lieu' }).getAttribute('href');
  assert.ok(mailto.startsWith(`mailto:${mail[0].courriel}`), mailto);
  await page.getByText('Fréquence de relance par lieu').click();
  const frequency = page.getByLabel(`${due[0].nom} (${due[0].commune}), en mois`);
  const form = page.locator('form.frequency', { has: frequency });
  await frequency.fill('30');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await form.getByText('Entre 1 et 24 mois.').waitFor();
  await frequency.fill('12');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await form.getByText('Enregistré : tous les 12 mois.').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'registre-reminders.png') });

  // Consultations: the phone's counts, for this year.
  await show('Consultations', 'Consultations');
  const total = async (label) => page.locator('.totals div').filter({ has: page.getByText(label, { exact: true }) }).locator('dd').innerText();
  assert.equal(await total('Fiches vues'), '7');
  assert.equal(await total('Appels'), '2');
  assert.equal(await total('Recherches'), '4');
  assert.match(await page.locator('table', { has: page.locator('caption', { hasText: 'Fiches vues par lieu' }) }).innerText(), new RegExp(viewed.nom));
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'registre-consultations.png') });

  // Back to the coordination space, enrolled there too.
  await page.getByRole('link', { name: 'Chiffres' }).click();
  await page.getByRole('heading', { name: 'Espace coordination' }).waitFor();
  assert.equal(await page.getByLabel('Code de coordination').count(), 0);
  assert.deepEqual(errors, []);
});
