// Where help is missing, used as a coordinator would: the communes beyond 10 minutes on the map
// and in the tables, the same figures in the server's file, a threshold changed, the planner's
// stops with the map after them, a closing, a routed travel-time table sent from the page that
// replaces the estimate (a bad one refused whole), and all of it again offline.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, SERVER_BIN, SHOTS, assertNoCspViolations, axeViolations, launchBrowser, phoneContext, startServer, waitForControllingWorker } from './harness.mjs';

let chromium;
before(async () => (chromium = await launchBrowser()));
after(assertNoCspViolations);
after(async () => chromium.close());

function server_(server, ...args) {
  const database = join(server.dataDir, 'repere.sqlite');
  return execFileSync(SERVER_BIN, ['--database', database, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** "47 communes et 21 881 habitants sont à plus de 10 min…" → [47, 21881]. */
function headline(text) {
  const m = text.replace(/(?<=\d)[\u202f\u00a0](?=\d)/g, '').match(/^(\d+) communes? et (\d+) habitants? sont à plus de (\d+) min/);
  assert.ok(m, text);
  return [Number(m[1]), Number(m[2])];
}

async function enrol(page, server) {
  await page.goto(`${server.url}/coordination/`);
  await waitForControllingWorker(page);
  await page.getByLabel('Code de coordination').fill(server_(server, 'enrol', '--role', 'coordination'));
  await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
  await page.getByRole('heading', { name: 'Chiffres' }).waitFor();
  await page.getByRole('link', { name: 'Où l’aide manque' }).click();
  await page.getByRole('heading', { name: 'Où l’aide manque' }).waitFor();
}

/** The communes beyond the threshold as the page's table lists them: name → [people, minutes]. */
async function beyondTable(page) {
  const rows = await page.locator('details', { hasText: /communes au-delà du seuil/ }).locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  return new Map(rows.map(([name, people, minutes]) => [name, [Number(people.replace(/\D/g, '')), Number(minutes)]]));
}

test('a coordinator sees where help is missing, plans the bus, and downloads the table', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const context = await phoneContext(chromium.browser, { acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await enrol(page, server);
  const status = page.locator('p.headline').first();
  await status.waitFor();
  const [communes, people] = headline(await status.innerText());
  assert.ok(communes > 0 && communes < 265 && people > 0, `${communes} communes, ${people} people`);
  // The map draws every commune; the table lists those beyond, and adds up to the headline.
  assert.equal(await page.locator('svg.gaps path').count(), 265);
  assert.equal(await page.locator('svg.gaps path.t3, svg.gaps path.t4, svg.gaps path.t5').count(), communes);
  const beyond = await beyondTable(page);
  assert.equal(beyond.size, communes);
  assert.equal([...beyond.values()].reduce((sum, [p]) => sum + p, 0), people);
  assert.ok([...beyond.values()].every(([, minutes]) => minutes >= 10), 'each listed commune is beyond 10 min');
  await page.screenshot({ path: join(SHOTS, 'coverage-top.png') });
  assert.deepEqual(await axeViolations(page), []);

  // The server's file says the same, computed by the same code on the server.
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Couverture des communes (CSV)' }).click();
  const csv = readFileSync(await (await downloaded).path(), 'utf8').trim().split('\r\n');
  assert.equal(csv.length, 266, 'a header and the 265 communes');
  const flagged = csv.slice(1).filter((line) => line.endsWith(',oui'));
  assert.equal(flagged.length, communes);

  // A threshold of 20 minutes leaves fewer communes beyond.
  await page.getByText('Changer le seuil ou les lieux comptés').click();
  await page.getByLabel('Seuil, en minutes de trajet').fill('20');
  await page.getByLabel('Seuil, en minutes de trajet').press('Enter');
  await page.getByLabel('Seuil, en minutes de trajet').blur();
  await page.waitForFunction(() => /plus de 20 min/.test(document.querySelector('p.headline')?.textContent ?? ''));
  const [at20] = headline(await page.locator('p.headline').first().innerText());
  assert.ok(at20 < communes, `${at20} < ${communes}`);
  await page.getByLabel('Seuil, en minutes de trajet').fill('10');
  await page.getByLabel('Seuil, en minutes de trajet').blur();
  await page.waitForFunction(() => /plus de 10 min/.test(document.querySelector('p.headline')?.textContent ?? ''));
  // Counting only places open 35 hours a week or more leaves more communes beyond; then back.
  await page.getByLabel('Ouverts au moins (heures par semaine)').fill('35');
  await page.getByLabel('Ouverts au moins (heures par semaine)').blur();
  await page.waitForFunction((n) => Number(document.querySelector('p.headline')?.textContent.match(/^\d+/)?.[0]) > n, communes);
  await page.getByLabel('Ouverts au moins (heures par semaine)').fill('');
  await page.getByLabel('Ouverts au moins (heures par semaine)').blur();
  await page.waitForFunction((n) => Number(document.querySelector('p.headline')?.textContent.match(/^\d+/)?.[0]) === n, communes);

  // The planner: three stops, each bringing people within 10 minutes, the map after them.
  await page.getByLabel('Nombre d’arrêts').selectOption('3');
  await page.getByRole('button', { name: 'Proposer les arrêts' }).click();
  const stops = page.locator('ol.stops > li');
  await stops.first().waitFor();
  assert.equal(await stops.count(), 3);
  const gained = (await stops.allInnerTexts()).map((s) => Number(s.match(/: ([\d\u202f ]+) habitants de plus/)[1].replace(/\D/g, '')));
  assert.ok(gained.every((g) => g > 0) && gained[0] >= gained[1] && gained[1] >= gained[2], gained.join(' '));
  assert.ok(await page.getByLabel('Avec les 3 arrêts proposés').isChecked());
  assert.equal(await page.locator('svg.gaps g.stop').count(), 3);
  const afterPlan = await page.locator('svg.gaps path.t3, svg.gaps path.t4, svg.gaps path.t5').count();
  assert.ok(afterPlan < communes, `after the stops ${afterPlan} < ${communes}`);
  await page.locator('#carte-temps').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'coverage-after-stops.png') });
  await page.getByLabel('Aujourd’hui').check();
  assert.equal(await page.locator('svg.gaps g.stop').count(), 0);

  // Closing a place: the answer names what would fall beyond, or says nothing would.
  await page.getByLabel('Lieu', { exact: true }).selectOption({ index: 1 });
  await page.locator('.closing [role=status]', { hasText: /fermait/ }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
});

test('a routed travel-time table sent from the page replaces the estimate, and coverage reads offline', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const codes = readFileSync(join(ROOT, 'seeds/communes-86.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  const place = JSON.parse(readFileSync(join(ROOT, 'seeds/registry.json'), 'utf8')).places.find((p) => p.latitude).id;
  const context = await phoneContext(chromium.browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await enrol(page, server);
  const [before] = headline(await page.locator('p.headline').first().innerText());
  await page.getByText('Importer des temps de trajet calculés ailleurs').click();

  // A bad file: an unknown commune on line 3, negative minutes on line 4. Nothing is imported.
  const bad = join(server.dataDir, 'temps-faux.csv');
  writeFileSync(bad, `code_insee,place_id,minutes\n${codes[0]},${place},5\n99999,${place},5\n${codes[1]},${place},-3\n`);
  await page.getByLabel('Fichier des temps (CSV)').setInputFiles(bad);
  await page.getByRole('button', { name: 'Importer ce tableau' }).click();
  await page.getByText(/^Tableau refusé/).waitFor();
  const problems = await page.locator('ul.problems li').allInnerTexts();
  assert.ok(problems.some((p) => /^ligne 3, champ code_insee : « 99999 »/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^ligne 4, champ minutes/.test(p)), problems.join('\n'));
  await page.screenshot({ path: join(SHOTS, 'coverage-table-refused.png'), fullPage: true });
  assert.equal(headline(await page.locator('p.headline').first().innerText())[0], before);

  // Every commune 5 minutes from one place: a table routed elsewhere, whole.
  const good = join(server.dataDir, 'temps.csv');
  writeFileSync(good, `code_insee,place_id,minutes\n${codes.map((c) => `${c},${place},5`).join('\n')}\n`);
  await page.getByLabel('Fichier des temps (CSV)').setInputFiles(good);
  await page.getByRole('button', { name: 'Importer ce tableau' }).click();
  await page.getByText(/^Tableau importé/).waitFor();
  await page.getByText(/tableau importé par le Département le \d\d\/\d\d\/\d{4} \(265 temps\)/).waitFor();
  await page.waitForFunction(() => /^0 commune/.test(document.querySelector('p.headline')?.textContent ?? ''));

  // Offline, reloaded: the same figures, from what the phone holds.
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('heading', { name: 'Où l’aide manque' }).waitFor();
  await page.getByText(/tableau importé par le Département le \d\d\/\d\d\/\d{4} \(265 temps\)/).waitFor();
  assert.match(await page.locator('p.headline').first().innerText(), /^0 commune/);
  await page.screenshot({ path: join(SHOTS, 'coverage-offline.png') });
});
