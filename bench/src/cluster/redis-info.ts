import { Socket } from 'node:net';

/**
 * One `INFO <section>` from a redis-server on 127.0.0.1, parsed into fields. A raw RESP request
 * on its own socket: the benchmark's parent needs no Redis client, and its reads are not counted
 * in any node's registry calls.
 */
export function redisInfo(port: number, section: string, timeoutMs = 2000): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    let buf = Buffer.alloc(0);
    const fail = (e: Error) => {
      sock.destroy();
      reject(e);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`redis INFO ${section} on port ${port}: no answer within ${timeoutMs} ms`)));
    sock.once('error', fail);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      if (buf[0] !== 0x24) return fail(new Error(`redis INFO ${section}: expected a bulk string, got ${JSON.stringify(buf.subarray(0, 64).toString())}`));
      const len = Number(buf.subarray(1, eol).toString());
      if (buf.length < eol + 2 + len) return;
      sock.destroy();
      const fields = new Map<string, string>();
      for (const line of buf.subarray(eol + 2, eol + 2 + len).toString().split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0 && !line.startsWith('#')) fields.set(line.slice(0, i), line.slice(i + 1));
      }
      resolve(fields);
    });
    sock.connect(port, '127.0.0.1', () => sock.write(`INFO ${section}\r\n`));
  });
}

/** What Redis did between two readings: its CPU seconds and the commands it ran. */
export interface RedisUsage {
  cpuSeconds: number;
  /** Calls per command (`evalsha`, `publish`, …). */
  calls: Record<string, number>;
}

export async function redisUsage(port: number): Promise<RedisUsage> {
  const [cpu, stats] = await Promise.all([redisInfo(port, 'cpu'), redisInfo(port, 'commandstats')]);
  const calls: Record<string, number> = {};
  for (const [k, v] of stats) {
    const m = /^cmdstat_(.+)$/.exec(k);
    const c = /(?:^|,)calls=(\d+)/.exec(v);
    if (m && c) calls[m[1]!] = Number(c[1]);
  }
  return { cpuSeconds: Number(cpu.get('used_cpu_sys') ?? NaN) + Number(cpu.get('used_cpu_user') ?? NaN), calls };
}

export function usageBetween(a: RedisUsage, b: RedisUsage): RedisUsage {
  const calls: Record<string, number> = {};
  for (const [k, v] of Object.entries(b.calls)) {
    const d = v - (a.calls[k] ?? 0);
    if (d > 0) calls[k] = d;
  }
  return { cpuSeconds: b.cpuSeconds - a.cpuSeconds, calls };
}
