// Writes the precache lists and a content hash (of the worker and every file) into dist/sw.js (scripts/build-pwa runs it after
// both Trunk builds): PRECACHE holds every file of the built folder except sw.js and the
// mediators' space; MEDIATION holds the files under mediation/ (cached only on a device that
// opens that space). VERSION changes whenever any byte of either does, so browsers install the
// new release and drop the old cache.
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
const mediation = urls.filter((url) => url.startsWith('/mediation/'));
const precache = urls.filter((url) => !url.startsWith('/mediation/'));
if (!mediation.includes('/mediation/index.html')) {
  console.error(`sw-precache: ${root}/mediation/index.html is missing (build the mediators' space first)`);
  process.exit(2);
}

const placeholders = ['__REPERE_VERSION__', '__REPERE_PRECACHE__', '__REPERE_MEDIATION__'];
if (!placeholders.every((p) => template.includes(p))) {
  console.error(`sw-precache: ${swPath} lacks a placeholder (already processed?)`);
  process.exit(2);
}
const worker = template
  .replace('__REPERE_VERSION__', version)
  .replace('__REPERE_PRECACHE__', JSON.stringify(precache, null, 2))
  .replace('__REPERE_MEDIATION__', JSON.stringify(mediation, null, 2));
writeFileSync(swPath, worker);
console.log(`sw-precache: ${precache.length} files precached, ${mediation.length} for the mediators' space, version ${version}`);
