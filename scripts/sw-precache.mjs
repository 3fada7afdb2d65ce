// Trunk post-build hook: writes the precache list and a content hash into sw.js.
//
// Trunk runs it with TRUNK_STAGING_DIR set to the folder about to become dist/. Every file
// there except sw.js itself is precached; VERSION changes whenever any byte of them does, so
// browsers install the new release and drop the old cache.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!root) {
  console.error('sw-precache: TRUNK_STAGING_DIR is not set (run through trunk, or pass the folder)');
  process.exit(2);
}

function walk(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const swPath = join(root, 'sw.js');
const files = walk(root).filter((p) => p !== swPath);
const hash = createHash('sha256');
const urls = files.map((path) => {
  const url = '/' + relative(root, path).split(sep).join('/');
  hash.update(url).update('\0').update(readFileSync(path)).update('\0');
  return url;
});
const version = hash.digest('hex').slice(0, 16);

const template = readFileSync(swPath, 'utf8');
if (!template.includes('__REPERE_PRECACHE__') || !template.includes('__REPERE_VERSION__')) {
  console.error(`sw-precache: ${swPath} has no placeholders (already processed?)`);
  process.exit(2);
}
const worker = template
  .replace('__REPERE_VERSION__', version)
  .replace('__REPERE_PRECACHE__', JSON.stringify(urls, null, 2));
writeFileSync(swPath, worker);
console.log(`sw-precache: ${urls.length} files, version ${version}`);
