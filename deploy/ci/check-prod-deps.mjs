#!/usr/bin/env node
// Proves that a service's production dependency closure holds every module its built code loads.
// From services/<name>/dist/main.js and migrate.js it follows every require() of the compiled
// code – relative files, and @pos-tripletex/* libraries into libs/<lib>/dist – and checks each
// third-party package it reaches:
//   1. it is a runtime `dependency` of the root package.json (not a devDependency, which the
//      image's `npm prune --omit=dev` removes – how the sandbox image once lost `ajv`);
//   2. it resolves from the node_modules at hand (in the image: the pruned one).
//   node deploy/ci/check-prod-deps.mjs                 every service under services/
//   node deploy/ci/check-prod-deps.mjs invoicing ...   the named ones
// Needs the services built (`nx run-many -t build`). Exits 1 naming each missing package and the
// file that loads it.
import { builtinModules, createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const runtime = new Set(Object.keys(manifest.dependencies ?? {}));
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const WORKSPACE_SCOPE = '@pos-tripletex/';
// require("x") as tsc emits it for import/export and for dynamic import() in CommonJS output.
const REQUIRE = /\brequire\(\s*(['"])([^'"]+)\1\s*\)/g;

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveFile(candidate) {
  for (const file of [candidate, `${candidate}.js`, join(candidate, 'index.js')]) {
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

function workspaceEntry(specifier) {
  const [, lib, ...rest] = specifier.slice(1).split('/');
  const dir = join(root, 'libs', lib);
  if (!existsSync(join(dir, 'package.json'))) return undefined;
  const main = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).main ?? 'index.js';
  return resolveFile(rest.length > 0 ? join(dir, 'dist', ...rest) : join(dir, main));
}

function checkService(service) {
  const dist = join(root, 'services', service, 'dist');
  const entries = ['main.js', 'migrate.js'].map((f) => join(dist, f)).filter(existsSync);
  if (entries.length === 0) {
    return [`${service}: no dist/main.js – build it first (npx nx run-many -t build)`];
  }
  const problems = [];
  const seen = new Set();
  const packages = new Map(); // package name -> first file that loads it
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, , specifier] of readFileSync(file, 'utf8').matchAll(REQUIRE)) {
      if (builtins.has(specifier) || builtins.has(packageName(specifier))) continue;
      if (specifier.startsWith('.')) {
        const target = resolveFile(resolve(dirname(file), specifier));
        if (target) queue.push(target);
        else problems.push(`${service}: ${relative(root, file)} loads ${specifier}, not built`);
      } else if (specifier.startsWith(WORKSPACE_SCOPE)) {
        const target = workspaceEntry(specifier);
        if (target) queue.push(target);
        else problems.push(`${service}: ${relative(root, file)} loads ${specifier}, not built`);
      } else if (!packages.has(packageName(specifier))) {
        packages.set(packageName(specifier), file);
      }
    }
  }
  const requireFromService = createRequire(join(dist, 'main.js'));
  for (const [name, file] of [...packages].sort()) {
    const where = relative(root, file);
    if (!runtime.has(name)) {
      const kind = manifest.devDependencies?.[name] ? 'a devDependency' : 'not a dependency';
      problems.push(`${service}: ${where} loads "${name}", which is ${kind} of package.json`);
      continue;
    }
    try {
      requireFromService.resolve(`${name}/package.json`);
    } catch {
      try {
        requireFromService.resolve(name);
      } catch {
        problems.push(`${service}: ${where} loads "${name}", which node_modules does not hold`);
      }
    }
  }
  console.log(
    `${service}: ${seen.size} files, ${packages.size} packages (${[...packages.keys()].sort().join(', ')})`,
  );
  return problems;
}

const named = process.argv.slice(2);
const services =
  named.length > 0
    ? named
    : readdirSync(join(root, 'services')).filter((s) =>
        existsSync(join(root, 'services', s, 'package.json')),
      );
const problems = services.flatMap(checkService);
if (problems.length > 0) {
  console.error(`\nproduction dependency closure incomplete:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('every module the built services load is a production dependency');
