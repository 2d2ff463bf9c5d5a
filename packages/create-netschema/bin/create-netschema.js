#!/usr/bin/env node
// `npm create netschema@latest my-game`: copies the starter template into a new folder and writes
// its package.json with the netschema packages at this starter's version.
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));

const HELP = `usage: npm create netschema@latest <folder>

Writes a small multiplayer game into <folder> (which must not exist or be empty): a schema, a
game server room on uWebSockets.js, a browser client built with Vite, and a test. Then:

  cd <folder> && npm install && npm run dev`;

/** Exits with a message naming what was wrong and what is expected. */
function fail(message) {
  process.stderr.write(`create-netschema: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const unknown = args.find((a) => a.startsWith('-'));
if (unknown !== undefined) fail(`unknown option ${unknown}\n\n${HELP}`);
if (args.length !== 1) fail(`expected one folder name, got ${args.length === 0 ? 'none' : args.join(' ')}\n\n${HELP}`);

const target = resolve(args[0]);
const name = basename(target).toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[._-]+|-+$/g, '');
if (name === '' || name.length > 214) fail(`cannot make an npm package name from the folder name "${basename(target)}": use letters, digits, - . _ ~`);
if (existsSync(target) && readdirSync(target).length > 0) fail(`${target} is not empty: choose a new folder`);

cpSync(join(here, 'template'), target, { recursive: true });
// npm leaves .gitignore out of published tarballs, so the template carries it under another name.
renameSync(join(target, '_gitignore'), join(target, '.gitignore'));

const range = `^${version}`;
const pkg = {
  name,
  version: '0.1.0',
  private: true,
  type: 'module',
  scripts: {
    predev: 'netschema generate',
    dev: 'tsx src/server/dev.ts',
    prebuild: 'netschema generate',
    build: 'vite build',
    start: 'tsx src/server/main.ts',
    pretest: 'netschema generate',
    test: 'node --import tsx --test test/*.test.ts',
  },
  netschema: { schemas: ['src/state.ts'] },
  dependencies: {
    '@netschema/runtime': range,
    '@netschema/transport-uws': range,
    // tsx runs the server in `npm start` too; exact pins: the versions this template was tested with.
    tsx: '4.23.15',
    ws: '8.23.0',
  },
  devDependencies: {
    '@netschema/cli': range,
    '@netschema/vite': range,
    '@types/node': '20.19.43',
    '@types/ws': '8.18.1',
    typescript: '5.9.3',
    vite: '8.3.8',
  },
};
writeFileSync(join(target, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

process.stdout.write(`Created ${name} in ${target}

Next:
  cd ${args[0]}
  npm install
  npm run dev      game server + page; open the printed URL in two tabs
  npm test         two clients join and move
`);
