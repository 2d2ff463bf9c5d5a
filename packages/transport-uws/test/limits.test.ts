import { CloseCode } from '@netschema/runtime';
import { describe, expect, it } from 'vitest';
import { AddressTable, resolveLimits } from '../src/rooms/limits.js';

describe('the per-address table stays bounded whatever the number of addresses', () => {
  it('holds at most maxConnections + idle entries; sweeps idle ones once their join bucket refilled', () => {
    const limits = resolveLimits({ maxConnections: 4, maxConnectionsPerAddress: 2, joinRate: 10, joinBurst: 2 });
    const table = new AddressTable(limits, 8);
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      const address = `10.0.${i >> 8}.${i & 255}`;
      if (table.admit(address) !== null) {
        refused++;
        continue;
      }
      table.opened(address, 0);
      table.join(address, 0);
      table.closed(address);
      expect(table.size).toBeLessThanOrEqual(12);
    }
    expect(refused).toBeGreaterThan(0);
    expect(table.admit('10.9.9.9')).toMatchObject({ status: 503, code: CloseCode.SERVER_FULL });
    // 2 joins at 10 per second refill in 200 ms: then nothing is worth keeping.
    table.sweep(1000);
    expect(table.size).toBe(0);
    expect(table.admit('10.9.9.9')).toBeNull();
  });

  it('counts connections per address and in total', () => {
    const table = new AddressTable(resolveLimits({ maxConnections: 3, maxConnectionsPerAddress: 2 }));
    table.opened('a', 0);
    table.opened('a', 0);
    expect(table.admit('a')).toMatchObject({ status: 429, code: CloseCode.ADDRESS_LIMIT });
    table.opened('b', 0);
    expect(table.admit('c')).toMatchObject({ status: 503, code: CloseCode.SERVER_FULL });
    table.closed('a');
    expect(table.admit('a')).toBeNull();
    expect(table.open).toBe(2);
  });
});
