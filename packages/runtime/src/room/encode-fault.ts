import { Writer } from '../wire/writer.js';
import type { EntityRecord } from './records.js';

/** An entity whose state cannot be encoded, found after a frame failed to build. */
export interface EncodeFault {
  readonly entity: object;
  readonly id: number;
  readonly className: string;
  /** The first field whose value the encoder refused, or '' when no single field fails alone. */
  readonly field: string;
  readonly cause: unknown;
}

/** Thrown (or passed to `onEntityError`) for an entity taken out of replication. */
export class EntityEncodeError extends Error {
  override readonly name = 'EntityEncodeError';
  constructor(readonly fault: EncodeFault) {
    const cause = fault.cause instanceof Error ? fault.cause.message : String(fault.cause);
    super(`entity ${fault.id} (${fault.className}${fault.field ? `.${fault.field}` : ''}) cannot be encoded: ${cause}; it is taken out of replication`, { cause: fault.cause });
  }
}

/**
 * Which entities cannot be encoded. Runs only after a frame failed (the slow path): each
 * entity is encoded whole into a scratch writer, and a failing one field by field so the
 * report names the field. The tick's own path stays free of per-entity try/catch.
 */
export function findEncodeFaults(records: Iterable<EntityRecord>): EncodeFault[] {
  const w = new Writer(1024);
  const faults: EncodeFault[] = [];
  for (const rec of records) {
    try {
      w.reset();
      w.reserve(rec.codec.sizeBound(rec.entity));
      rec.codec.encodeFull(w, rec.entity);
    } catch (cause) {
      faults.push({ entity: rec.entity, id: rec.id, className: rec.codec.name, field: faultyField(rec, w), cause });
    }
  }
  return faults;
}

function faultyField(rec: EntityRecord, w: Writer): string {
  const fields = rec.codec.fields;
  w.reserve(1 << 16);
  for (let i = 0; i < fields.length; i++) {
    const c0 = i < 32 ? 1 << i : 0;
    const c1 = i >= 32 ? 1 << (i - 32) : 0;
    try {
      w.reset();
      // Replaced (sent whole) only where the field is nested, as the tick itself encodes it.
      rec.codec.encodePatch(w, rec.entity, c0, c1, c0 & rec.masks.nested0, c1 & rec.masks.nested1);
    } catch {
      return fields[i]!;
    }
  }
  return '';
}
