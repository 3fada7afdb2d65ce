// The geokdbush side of the proximity benchmark: times the same work on the same points and
// queries that core/benches/proximity.rs wrote, checks it finds the same distances, and prints
// both side by side with the ratio (ours / geokdbush: below 1 means ours is faster).
import { readFileSync, writeFileSync } from 'node:fs';
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';

const report = JSON.parse(readFileSync(new URL('../../target/bench/proximity.json', import.meta.url)));

/** Milliseconds per call: the best of 7 windows of at least 70 ms, each repeating `f` (which makes
 * `calls` calls), as the Rust side times it (the fastest window is the least disturbed). */
function timePerCall(calls, f) {
  let best = Infinity;
  for (let w = 0; w < 7; w++) {
    const start = performance.now();
    let rounds = 0;
    while (rounds === 0 || performance.now() - start < 70) {
      f();
      rounds++;
    }
    best = Math.min(best, (performance.now() - start) / (rounds * calls));
  }
  return best;
}

function build(pts) {
  const index = new KDBush(pts.length / 2);
  for (let i = 0; i < pts.length; i += 2) index.add(pts[i], pts[i + 1]);
  return index.finish();
}

const row = (cells) => console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(16) : String(c).padStart(10))).join(' '));
console.log('repere-core (Rust, native) vs geokdbush (Node): same points, same 1,000 queries, same run; ratio = ours / theirs');
row(['dataset', 'points', 'build ms', 'js', 'ratio', 'k10 µs', 'js', 'ratio', 'filt. µs', 'js', 'ratio', 'mem KiB', 'js KiB', 'ratio']);
let disagreements = 0;
let sink = 0;
const ratios = [];
const theirs = {};
for (const d of report) {
  const pts = d.points;
  const q = d.queries;
  let index = build(pts);
  const buildMs = timePerCall(1, () => (index = build(pts)));
  const plain = timePerCall(q.length / 2, () => {
    for (let i = 0; i < q.length; i += 2) sink += around(index, q[i], q[i + 1], 10).length;
  });
  const filtered = timePerCall(q.length / 2, () => {
    for (let i = 0; i < q.length; i += 2) sink += around(index, q[i], q[i + 1], 10, Infinity, (id) => id % 4 === 0).length;
  });
  // Same distances as ours? geokdbush uses R = 6371 km and we use 6371.0088: rescale, then compare.
  for (let j = 0; j < q.length / 2; j++) {
    const ids = around(index, q[2 * j], q[2 * j + 1], 10);
    const theirs = ids.map((id) => (distance(q[2 * j], q[2 * j + 1], pts[2 * id], pts[2 * id + 1]) * 6371.0088) / 6371);
    const ours = d.nearest10_km[j];
    if (theirs.length !== ours.length || theirs.some((km, i) => Math.abs(km - ours[i]) > 1e-6 * Math.max(1, km))) disagreements++;
  }
  const r = d.rust;
  const f = (x, p = 2) => x.toFixed(p);
  row([
    d.name, pts.length / 2,
    f(r.build_ms), f(buildMs), f(r.build_ms / buildMs),
    f(r.nearest10_us), f(plain * 1e3), f(r.nearest10_us / (plain * 1e3)),
    f(r.filtered_us), f(filtered * 1e3), f(r.filtered_us / (filtered * 1e3)),
    f(r.memory_bytes / 1024, 1), f(index.data.byteLength / 1024, 1), f(r.memory_bytes / index.data.byteLength),
  ]);
  ratios.push([d.name, r.nearest10_us / (plain * 1e3), r.filtered_us / (filtered * 1e3), r.memory_bytes / index.data.byteLength]);
  theirs[d.name] = { nearest10_us: plain * 1e3, filtered_us: filtered * 1e3 };
}
console.log(`queries whose 10 distances differ between the two: ${disagreements} (results found: ${sink > 0 ? 'yes' : 'none'})`);
console.log('\nratios, ours / geokdbush (targets: nearest-10 and filtered <= 0.5, memory <= 1.5)');
row(['dataset', 'nearest-10', 'filtered', 'memory']);
for (const [name, ...r] of ratios) row([name, ...r.map((x) => x.toFixed(2))]);
// For the wasm line that scripts/bench-proximity prints next.
writeFileSync(new URL('../../target/bench/geokdbush.json', import.meta.url), JSON.stringify(theirs));
