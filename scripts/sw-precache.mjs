// Writes the precache lists and a content hash (of the worker and every file) into dist/sw.js (scripts/build-pwa runs it after
// the Trunk builds): PRECACHE holds every file of the built folder except sw.js and the two
// spaces; MEDIATION holds the files under mediation/, COORDINATION those under coordination/,
// REGISTRE those under registre/ (each cached only on a device that opens that space). VERSION changes whenever any byte of
// any of them does, so browsers install the new release and drop the old cache.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error('usage: node scripts/sw-precache.mjs DIST');
  process.exit(2);
}

function walk(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const swPath = join(root, 'sw.js');
const template = readFileSync(swPath, 'utf8');
// The worker's own code is part of the release: a change to it alone is a new version too.
const hash = createHash('sha256').update(template).update('\0');
const urls = walk(root).filter((p) => p !== swPath).map((path) => {
  const url = '/' + relative(root, path).split(sep).join('/');
  hash.update(url).update('\0').update(readFileSync(path)).update('\0');
  return url;
});
const version = hash.digest('hex').slice(0, 16);
const spaces = { mediation: "the mediators' space", coordination: "the coordinators' space", registre: "the registry's upkeep" };
const files = {};
for (const [space, name] of Object.entries(spaces)) {
  files[space] = urls.filter((url) => url.startsWith(`/${space}/`));
  if (!files[space].includes(`/${space}/index.html`)) {
    console.error(`sw-precache: ${root}/${space}/index.html is missing (build ${name} first)`);
    process.exit(2);
  }
}
const precache = urls.filter((url) => !Object.keys(spaces).some((space) => url.startsWith(`/${space}/`)));

const placeholders = ['__REPERE_VERSION__', '__REPERE_PRECACHE__', '__REPERE_MEDIATION__', '__REPERE_COORDINATION__', '__REPERE_REGISTRE__'];
if (!placeholders.every((p) => template.includes(p))) {
  console.error(`sw-precache: ${swPath} lacks a placeholder (already processed?)`);
  process.exit(2);
}
const worker = template
  .replace('__REPERE_VERSION__', version)
  .replace('__REPERE_PRECACHE__', JSON.stringify(precache, null, 2))
  .replace('__REPERE_MEDIATION__', JSON.stringify(files.mediation, null, 2))
  .replace('__REPERE_COORDINATION__', JSON.stringify(files.coordination, null, 2))
  .replace('__REPERE_REGISTRE__', JSON.stringify(files.registre, null, 2));
writeFileSync(swPath, worker);
console.log(
  `sw-precache: ${precache.length} files precached, ${files.mediation.length} for the mediators' space, ` +
    `${files.coordination.length} for the coordinators' space, ${files.registre.length} for the registry's upkeep, version ${version}`,
);
