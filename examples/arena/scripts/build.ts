// `pnpm build`: the page into dist/public (after `netschema generate`, which the script runs first).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClient } from '../src/server/build-client.js';

const outdir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'public');
const built = await buildClient(outdir);
process.stdout.write(`built ${outdir}/app.js (${(built.bytes / 1024).toFixed(1)} KiB from ${built.inputs.length} files)\n`);
