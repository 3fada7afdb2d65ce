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
  const figures = await page.evaluate(() => {
    const form = document.querySelector('form.contact');
    const save = [...form.querySelectorAll('button')].find((b) => /^Enregistrer/.test(b.textContent.trim()));
    const top = form.getBoundingClientRect().top + scrollY;
    return {
      scrollHeight: document.scrollingElement.scrollHeight,
      formHeight: Math.round(form.getBoundingClientRect().height),
      saveFromFormTop: Math.round(save.getBoundingClientRect().top + scrollY - top),
      saveInViewportAtFormTop: (() => { form.scrollIntoView(); return Math.round(save.getBoundingClientRect().bottom) <= innerHeight; })(),
    };
  });
  console.log(JSON.stringify({ name, ...figures }));
  await page.screenshot({ path: join(SHOTS, `${name}-full.png`), fullPage: true });
  await page.locator('form.contact').evaluate((f) => f.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(SHOTS, `${name}-screen1.png`) });
  await page.evaluate(() => scrollBy(0, innerHeight));
  await page.screenshot({ path: join(SHOTS, `${name}-screen2.png`) });
  await context.close();
} finally {
  await server.stop();
  await chromium.close();
}
