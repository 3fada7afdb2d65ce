// A place updates itself through its secret link (issue #15): the link made by
// `repere-server place-link`, opened on a 390×844 phone; « Rien n’a changé »; a bad e-mail refused
// next to its field; a new phone saved; then a resident's phone, at its next start online, pulls
// the new version and its sheet calls the new number. axe-core on each state of the page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, phoneContext, startServer, storedMeta, waitForControllingWorker } from './harness.mjs';

const PLACE = 'france-services-2842';

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(() => chromium.close());

test('a place confirms, then changes its phone; a resident’s phone gets the new number at its next pull', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());

  // A resident's phone, installed before the update: version 1, the old number.
  const resident = await phoneContext(chromium.browser);
  t.after(() => resident.close());
  const phone = await resident.newPage();
  await phone.goto(`${server.url}/#/lieu/${PLACE}`);
  await waitForControllingWorker(phone);
  await phone.locator('a[href="tel:+33974369970"]').first().waitFor();
  assert.equal(await storedMeta(phone, 'registry_version'), 1);

  // The département makes the link and sends it to the place.
  const database = join(server.dataDir, 'repere.sqlite');
  const link = execFileSync(SERVER_BIN, ['--database', database, 'place-link', PLACE, '--base-url', server.url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  assert.match(link, new RegExp(`^${server.url}/lieu/${PLACE}/mise-a-jour\\?code=[0-9a-f]{32}$`));

  const placeContext = await phoneContext(chromium.browser);
  t.after(() => placeContext.close());
  const page = await placeContext.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const opened = await page.goto(link);
  assert.equal(opened.status(), 200);
  await page.getByRole('heading', { name: 'France services de Bonneuil-Matours' }).waitFor();
  assert.equal(await page.getByLabel('Téléphone', { exact: true }).inputValue(), '09 74 36 99 70');
  assert.deepEqual(await axeViolations(page), [], 'axe on the form');
  const main = page.getByRole('button', { name: 'Rien n’a changé' });
  const box = await main.boundingBox();
  assert.ok(box.height >= 48 && box.width >= 300 && box.y + box.height <= 844, `the big button is on the first screen: ${JSON.stringify(box)}`);
  for (const target of await page.locator('input, textarea, button').all()) {
    const b = await target.boundingBox();
    if (b) assert.ok(b.height >= 28 && (b.height >= 48 || (await target.getAttribute('type')) === 'checkbox'), `target ${await target.getAttribute('name')}: ${b.height}px`);
  }
  await page.screenshot({ path: join(SHOTS, 'place-update-form.png') });
  await page.screenshot({ path: join(SHOTS, 'place-update-form-full.png'), fullPage: true });

  await main.click();
  await page.getByText('Merci ! La date de vos informations est maintenant celle d’aujourd’hui.').waitFor();
  await page.screenshot({ path: join(SHOTS, 'place-update-confirmed.png') });
  assert.deepEqual(await axeViolations(page), [], 'axe after « Rien n’a changé »');

  // An e-mail without @: refused next to its field, nothing published.
  await page.getByLabel('Adresse e-mail', { exact: true }).fill('accueil.bonneuil.fr');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Rien n’est publié : à corriger').waitFor();
  assert.match(await page.locator('#e-courriels').innerText(), /adresse e-mail attendue/);
  assert.deepEqual(await axeViolations(page), [], 'axe on the refused form');
  await page.locator('#e-courriels').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'place-update-refused.png') });
  const afterConfirmation = await (await fetch(`${server.url}/api/v1/registry?since=1`)).json();
  assert.equal(afterConfirmation.version, 2, 'the confirmation is version 2; the refused change published nothing');

  // The e-mail put right, a new phone: saved and published at once.
  await page.getByLabel('Adresse e-mail', { exact: true }).fill('accueil@bonneuil.fr');
  await page.getByLabel('Téléphone', { exact: true }).fill('05 49 99 88 77');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Merci ! Vos changements sont publiés').waitFor();
  assert.equal(await page.getByLabel('Téléphone', { exact: true }).inputValue(), '05 49 99 88 77');
  await page.screenshot({ path: join(SHOTS, 'place-update-saved.png') });
  assert.deepEqual(errors, []);

  // On the resident's phone (its service worker lets the update page through to the server).
  const through = await phone.context().newPage();
  await through.goto(link);
  await through.getByRole('heading', { name: 'France services de Bonneuil-Matours' }).waitFor();
  await through.close();
  // Next start online: the delta brings version 3; the sheet calls the new number.
  await phone.reload();
  await phone.locator('a[href="tel:+33549998877"]').first().waitFor();
  assert.equal(await storedMeta(phone, 'registry_version'), 3);
  assert.equal(await phone.locator('a[href="tel:+33974369970"]').count(), 0);
  await phone.screenshot({ path: join(SHOTS, 'place-update-resident-sheet.png') });
});
