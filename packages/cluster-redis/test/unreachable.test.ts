// A node that cannot reach Redis at start-up does not start half-joined: it says so.
import { NetServer } from '@netschema/transport-uws';
import { expect, it } from 'vitest';
import * as netSchema from '@netschema/test-fixtures/schemas/net.netschema';
import { redisCluster } from '../src/index.js';

it('NetServer.listen rejects, naming Redis and its address, when the registry is unreachable', async () => {
  // Port 1 on loopback: nothing listens there.
  const cluster = redisCluster({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 500, log: () => {} });
  await expect(NetServer.listen({ schema: netSchema, cluster })).rejects.toThrow(/could not join the cluster: .*(Redis at redis:\/\/127\.0\.0\.1:1|ECONNREFUSED)/);
});

it('redisCluster checks its options where they are given', () => {
  expect(() => redisCluster({ leaseMs: 1000, heartbeatMs: 800 })).toThrow(/heartbeatMs \(800\) must be at most half of leaseMs \(1000\)/);
  expect(() => redisCluster({ prefix: 'a b' })).toThrow(/prefix: expected 1 to 64 letters/);
  expect(() => redisCluster({ seatTtlMs: -1 })).toThrow(/seatTtlMs: expected a positive number of ms, got -1/);
});
