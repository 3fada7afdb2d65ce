// Enrols a coordinator's device in a persistent Chromium profile and leaves the dashboard
// loaded once (figures kept), for scripts/lighthouse to audit that profile's /coordination/.
//   node tests/e2e/enrol-profile.mjs URL CODE PROFILE_DIR
import { chromium } from 'playwright-core';

const [url, code, profile] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new'],
});
const page = await context.newPage();
await page.goto(`${url}/coordination/`);
await page.getByLabel('Code de coordination').fill(code);
await page.getByRole('button', { name: 'Inscrire cet appareil' }).click();
await page.getByRole('heading', { name: 'Chiffres' }).waitFor();
await context.close();
