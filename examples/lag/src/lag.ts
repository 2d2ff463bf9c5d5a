// Prints the round-trip time once per interval, as the client measures it (`conn.stats.rtt`, its
// own pings) and as the server does (`client.rtt`, published in the client's Peer entity).
import { connect } from '@netschema/runtime/client';
import WebSocket from 'ws';
import { startLagServer } from './lag-room.js';
import * as schema from './state.netschema.js';

export interface LagOptions {
  /** A running lag server; without it one is started in this process. */
  url?: string;
  /** Lines to print before stopping; 0: until `stop()` (Ctrl-C). */
  samples?: number;
  intervalMs?: number;
  name?: string;
  log?: (line: string) => void;
}

export interface LagSample {
  clientRtt: number;
  clientRttSmoothed: number;
  serverRtt: number;
}

export interface LagRun {
  /** Resolves with the samples when `samples` were printed or `stop()` was called. */
  done: Promise<LagSample[]>;
  stop(): void;
}

export function runLag(options: LagOptions = {}): LagRun {
  const log = options.log ?? ((line: string) => void process.stdout.write(line + '\n'));
  let stop = (): void => {};
  const done = (async () => {
    const server = options.url === undefined ? await startLagServer() : null;
    const url = options.url ?? `ws://127.0.0.1:${server!.port}/ws`;
    const conn = connect(url, schema, { room: 'lag', options: { name: options.name ?? 'lag' }, WebSocket: WebSocket as never, pingIntervalMs: 250 });
    const samples: LagSample[] = [];
    try {
      await conn.ready();
      log(`connected to ${url} (client ${conn.clientId}); pinging every 250 ms`);
      const own = (): schema.Peer | undefined =>
        [...conn.replica.entities.values()].find((e): e is schema.Peer => e instanceof schema.Peer && e.clientId === conn.clientId);
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const peer = own();
          // Wait for the first answer each way before reporting.
          if (conn.stats.rtt === 0 || peer === undefined || peer.rttMs === 0) return;
          const s = { clientRtt: conn.stats.rtt, clientRttSmoothed: conn.stats.rttSmoothed, serverRtt: peer.rttMs };
          samples.push(s);
          log(`rtt ${s.clientRtt.toFixed(2)} ms (client; smoothed ${s.clientRttSmoothed.toFixed(2)}) · ${s.serverRtt.toFixed(2)} ms (server)`);
          if (options.samples && samples.length >= options.samples) finish();
        }, options.intervalMs ?? 1000);
        const finish = (): void => {
          clearInterval(timer);
          resolve();
        };
        stop = finish;
      });
    } finally {
      conn.close();
      await server?.close();
    }
    return samples;
  })();
  return { done, stop: () => stop() };
}
