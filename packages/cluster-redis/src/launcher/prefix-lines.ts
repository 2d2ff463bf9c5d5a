// A node's output, line by line, each line prefixed with the node's name (`[node 1] ...`), so
// the nodes' interleaved output stays readable. A last line without a newline is written at the end.
import type { Readable } from 'node:stream';

export function prefixLines(from: Readable, prefix: string, to: { write(s: string): unknown }): void {
  let partial = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    if (lines.length > 0) to.write(lines.map((l) => `${prefix} ${l}\n`).join(''));
  });
  from.on('end', () => {
    if (partial !== '') to.write(`${prefix} ${partial}\n`);
    partial = '';
  });
}
