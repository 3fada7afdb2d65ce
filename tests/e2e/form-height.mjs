// Measures the mediator's form on a 390×844 phone after enrolment: the page's scroll height,
// where the usual fields end and where "Enregistrer le contact" is; screenshots of the form.
// Usage: node tests/e2e/form-height.mjs <name>   (REPERE_DIST / REPERE_SERVER_BIN pick the build)
import { join } from 'node:path';
import { SHOTS, launchBrowser, phoneContext, startServer, waitForControllingWorker } from './harness.mjs';

const name = process.argv[2] || 'form';
const chromium = await launchBrowser();
const server = await startServer();
try {
  const context = await phoneContext(chromium.browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/mediation/`);
  await waitForControllingWorker(page);
  await page.getByLabel('Code d’inscription').fill(server.enrolmentCode('La Blaiserie'));
  await page.getByRole('button', { name: 'Inscrire ce téléphone' }).click();
  await page.getByText('Structure : La Blaiserie').waitFor();
  await page.waitForTimeout(500);
  const measure = () =>
    page.evaluate(() => {
      const form = document.querySelector('form.contact');
      return { scrollHeight: document.scrollingElement.scrollHeight, formHeight: Math.round(form.getBoundingClientRect().height) };
    });
  const shots = async (state) => {
    await page.screenshot({ path: join(SHOTS, `${name}-${state}-full.png`), fullPage: true });
    await page.locator('form.contact').evaluate((f) => f.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SHOTS, `${name}-${state}-screen1.png`) });
    await page.evaluate(() => scrollBy(0, innerHeight));
    await page.screenshot({ path: join(SHOTS, `${name}-${state}-screen2.png`) });
  };
  const figures = { name, empty: await measure() };
  await shots('empty');
  // A typical contact's choices (the theme "Aide aux démarches" shows its domains).
  for (const label of ['Aide aux démarches administratives', '70 ans et plus', 'Retraité']) await page.getByLabel(label).click();
  figures.typical = await measure();
  await shots('typical');
  const more = page.locator('form.contact details.more summary');
  if (await more.count()) {
    await more.click();
    figures.moreDetails = await measure();
    await more.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, `${name}-details.png`) });
  }
  console.log(JSON.stringify(figures));
  await context.close();
} finally {
  await server.stop();
  await chromium.close();
}
