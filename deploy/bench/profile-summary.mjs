#!/usr/bin/env node
// Summarises a V8 CPU profile (.cpuprofile, e.g. from BENCH_CPU_PROF): the functions with the most
// self time, and the packages / our files they belong to, as percentages of the sampled time.
//   node deploy/bench/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node deploy/bench/profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const intervals = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (intervals[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (url) => {
  if (!url) return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/(services|libs)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url.startsWith('node:') ? 'node core' : url;
};
const fns = new Map();
const areas = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const name = `${callFrame.functionName || '(anonymous)'} ${where(callFrame.url)}:${callFrame.lineNumber + 1}`;
  fns.set(name, (fns.get(name) ?? 0) + us);
  const area = where(callFrame.url);
  areas.set(area, (areas.get(area) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n\nby package / our project:`);
for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${pct(us)}  ${area}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [name, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(us)}  ${name}`);
