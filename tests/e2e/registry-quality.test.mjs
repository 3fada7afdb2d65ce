// The registry's freshness, as a coordinator reads it on a phone: reliability against its 95 %
// target, the places per grade, the places to update first with their phone — equal to what this
// file computes on its own from seeds/registry.json's dates with Mon Inclusion Numérique's rule
// (a month of 30.44 days) — and the same page offline. The page lives in the registry's upkeep
// (/registre/, a bundle of its own), reached from the coordination tabs with the same enrolment.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, phoneContext, startServer, waitForControllingWorker } from './harness.mjs';

const PLACES = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8')).places;
const GRADES = ['À jour', 'À surveiller', 'À vérifier', 'À actualiser'];

/** Mon Inclusion Numérique's grade (src/shared/fraicheur.ts): months of 30.44 days, from the date to the device's today. */
function grade(date) {
  const [y, m, d] = date.split('-').map(Number);
  const now = new Date();
  const days = Math.round((Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) - Date.UTC(y, m - 1, d)) / 86_400_000);
  const months = days / 30.44;
  return months < 6 ? 0 : months < 12 ? 1 : months < 18 ? 2 : 3;
}

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

test('a coordinator sees how fresh the registry is and whom to call first', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const code = execFileSync(SERVER_BIN, ['--database', join(server.dataDir, 'repere.sqlite'), 'enrol', '--role', 'coordination'], { encoding: 'utf8' }).trim();
  await page.goto(`${server.url}/coordination/`);
  await waitForControllingWorker(page);
  await page.getByLabel('Code de coordination').fill(code);
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('heading', { name: 'Chiffres' }).waitFor();
  await page.getByRole('link', { name: 'Registre' }).click();
  // Another page and bundle, the same coordinator: no code asked again.
  await page.getByRole('heading', { name: 'Registre des lieux' }).waitFor();
  assert.match(page.url(), /\/registre\/(#\/)?$/);
  await page.getByRole('link', { name: 'Fraîcheur', exact: true }).click();
  await page.getByRole('heading', { name: 'Fraîcheur du registre' }).waitFor();
  assert.match(page.url(), /\/registre\/#\/fraicheur$/);
  assert.equal(await page.getByLabel('Code de coordination').count(), 0);

  const grades = PLACES.map((p) => grade(p.date_maj));
  const counts = GRADES.map((_, g) => grades.filter((x) => x === g).length);
  const reliable = Math.floor(((counts[0] + counts[1]) * 100) / PLACES.length);
  const headline = page.locator('#fiabilite');
  await headline.waitFor();
  assert.equal(
    await headline.innerText(),
    `Fiabilité : ${reliable} % des ${PLACES.length} lieux sont « À jour » ou « À surveiller » (objectif : 95 % ou plus).`,
  );
  assert.match(await page.locator('#autonomie').innerText(), /pas encore mesuré, aucune mise à jour depuis 12 mois \(objectif : 50 %\)/);
  // The table per grade, in the national order.
  const rows = await page.locator('table', { has: page.locator('caption', { hasText: 'Lieux par fraîcheur' }) }).locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows.map(([label, n]) => [label.split(' (')[0], Number(n)]), GRADES.map((g, i) => [g, counts[i]]));
  // Per EPCI, the places add up to the registry.
  const epci = await page.locator('table', { has: page.locator('caption', { hasText: 'Lieux par EPCI' }) }).locator('tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(epci.length >= 5, `${epci.length} EPCI`);
  assert.equal(epci.map(Number).reduce((a, b) => a + b, 0), PLACES.length);
  assert.match(await page.locator('#completude').innerText(), /^Complétude moyenne : \d+ \/ 100/);

  // To update first: « À actualiser » and « À vérifier », the oldest first; ten shown, the rest folded.
  const due = PLACES.filter((_, i) => grades[i] >= 2).sort((a, b) => grade(b.date_maj) - grade(a.date_maj) || a.date_maj.localeCompare(b.date_maj));
  assert.match(await page.locator('#a-mettre-a-jour').innerText(), new RegExp(`\\(${due.length} lieux?\\)`));
  const items = page.locator('ol.due:not(.pairs) > li');
  assert.equal(await items.count(), due.length);
  const shown = page.locator('section', { has: page.locator('#a-mettre-a-jour') }).locator(':scope > ol.due > li');
  assert.equal(await shown.count(), Math.min(due.length, 10));
  const [y, m, d] = due[0].date_maj.split('-');
  assert.match(await items.first().innerText(), new RegExp(`${GRADES[grade(due[0].date_maj)]} : mise à jour du ${d}/${m}/${y}`));
  const firstTen = due.slice(0, 10);
  assert.equal(await shown.locator('a[href^="tel:"]').count(), firstTen.filter((p) => p.telephone).length);
  for (const p of firstTen.filter((p) => p.telephone)) {
    assert.equal(await shown.locator(`a[href="tel:${p.telephone}"]`).count() >= 1, true, `${p.nom} ${p.telephone}`);
  }
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'registry-quality-top.png') });
  await page.evaluate(() => document.getElementById('fraicheur').scrollIntoView());
  await page.screenshot({ path: join(SHOTS, 'registry-quality-grades.png') });
  await page.evaluate(() => document.getElementById('a-mettre-a-jour').scrollIntoView());
  await page.screenshot({ path: join(SHOTS, 'registry-quality-due.png') });
  await page.getByText(/^Voir les \d+ autres$/).click();
  assert.deepEqual(await axeViolations(page), []);

  // « Créer le lien de mise à jour » on the first place: its new link, to copy, or to send in an
  // e-mail written with the reminder's words; the link opens the place's update page.
  // The first two: one without an e-mail address, one with (a mailto: with the reminder's words).
  const makeLink = async (n) => {
    const item = shown.nth(n);
    await item.getByRole('button', { name: 'Créer le lien de mise à jour' }).click();
    const made = item.locator('.made');
    await made.waitFor();
    assert.match(await made.innerText(), /^Nouveau lien \(l’ancien ne marche plus\)/);
    const link = await made.getByLabel('Lien de mise à jour').inputValue();
    assert.match(link, new RegExp(`^${server.url}/lieu/${due[n].id}/mise-a-jour\\?code=[0-9a-f]{32}$`));
    if (due[n].courriels) {
      const mailto = await made.getByRole('link', { name: 'Écrire au lieu' }).getAttribute('href');
      assert.ok(mailto.startsWith(`mailto:${due[n].courriels.split('|').join(',')}?subject=`), mailto);
      assert.ok(decodeURIComponent(mailto).includes(link), 'the link is in the message');
    } else {
      assert.match(await made.innerText(), /Pas d’e-mail publié : donnez le lien au téléphone\./);
    }
    return [made, link];
  };
  const [made, link] = await makeLink(0);
  await makeLink(1);
  assert.ok([due[0], due[1]].some((p) => p.courriels) && [due[0], due[1]].some((p) => !p.courriels), 'both cases seen');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await made.getByRole('button', { name: 'Copier le lien' }).click();
  await made.getByRole('button', { name: 'Lien copié' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.deepEqual(await axeViolations(page), []);
  await made.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'registry-quality-link.png') });
  const form = await context.newPage();
  await form.goto(link);
  assert.equal(await form.getByRole('heading', { level: 1 }).innerText(), due[0].nom);
  await form.close();

  // Likely duplicates: the France Services of Gençay and the « Mairie Annexe » sharing its
  // phone (issue #15's example) are listed as one pair, with why.
  const duplicates = page.locator('section', { has: page.locator('#doublons') });
  const gencay = duplicates.locator('li', { hasText: 'France services de Gençay (Gençay)' });
  assert.equal(await gencay.count(), 1);
  assert.match(await gencay.innerText(), /Mairie Annexe de Gençay[\s\S]*même téléphone, même adresse/);
  await page.evaluate(() => document.getElementById('doublons').scrollIntoView());
  await page.screenshot({ path: join(SHOTS, 'registry-quality-duplicates.png') });

  // Offline, the page is computed again from what the device holds.
  await context.setOffline(true);
  await page.reload();
  await headline.waitFor();
  assert.match(await headline.innerText(), new RegExp(`^Fiabilité : ${reliable} %`));
  assert.deepEqual(errors, []);
});
