import { Reader, Writer, type ClassCodec } from '@netschema/runtime';

/** Bytes one class took in the sampled frames, split by field. */
export interface ClassBytes {
  /** Every byte of its entity records: keys, class ids, masks and fields. */
  bytes: number;
  /** Entity records (one per entity per frame). */
  records: number;
  /** The records' entity keys, class ids (on entering) and field masks. */
  overhead: number;
  readonly fields: Map<string, FieldBytes>;
}

export interface FieldBytes {
  /** The field's own bytes. Fields packed into shared bytes (quantized) split those bytes by bits. */
  bytes: number;
  /** Its share of its records' overhead: split evenly among the fields each record carries. */
  shared: number;
  /** Records that carried it. */
  records: number;
}

/** What the entity table of a room answers: the entity behind an id and its codec. */
export interface EntityLookup {
  get(id: number): object | undefined;
  codecOf(entity: object): ClassCodec;
}

/** One frame attributed: its header and removals, then bytes by class and field. */
export interface FrameBytes {
  readonly total: number;
  /** Frame header, removals and the entity count. */
  readonly header: number;
  /** Bytes it could not attribute (an entity gone, or a record the re-encoder did not reproduce). */
  readonly unattributed: number;
}

const scratch = new Writer(1024);

/** Bytes of `encodePatch` for these masks, written into the scratch writer from position 0. */
function patchLength(codec: ClassCodec, e: object, c0: number, c1: number, r0: number, r1: number): number {
  scratch.reset();
  codec.encodePatch(scratch, e, c0, c1, r0, r1);
  return scratch.pos;
}

function sameBytes(frame: Uint8Array, at: number, n: number): boolean {
  if (at + n > frame.length) return false;
  const buf = scratch.buf;
  for (let i = 0; i < n; i++) if (buf[i] !== frame[at + i]) return false;
  return true;
}

/**
 * Attributes a room frame's bytes to classes and fields, adding them to `into`. Runs inside the
 * frame sink, so the entities hold the values the frame was built from: each record is
 * re-encoded with the generated encoder and the masks read from the frame, checked byte for byte
 * against the frame, and each field's share measured by encoding it alone. The frame layout is
 * the one RoomCore's buildFrame writes (docs/protocol.md, "Room frames").
 */
export function attributeFrame(frame: Uint8Array, entities: EntityLookup, into: Map<string, ClassBytes>): FrameBytes {
  const r = new Reader(frame);
  r.u8(); // frame kind
  r.varuint(); // tick
  r.varuint(); // input sequence acknowledged
  r.u8(); // flags
  const leaving = r.varuint();
  for (let i = 0; i < leaving; i++) r.varint();
  const count = r.varuint();
  const header = r.pos;
  let prev = 0;
  for (let k = 0; k < count; k++) {
    const keyAt = r.pos;
    const key = r.varuint();
    const enter = key % 2;
    const zz = Math.floor(key / 2);
    const id = prev + (zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2);
    prev = id;
    if (enter === 1) r.varuint(); // class id
    const entity = entities.get(id);
    if (entity === undefined) break;
    const codec = entities.codecOf(entity);
    const maskAt = r.pos;
    const c0 = r.varuint();
    const c1 = codec.fields.length > 32 ? r.varuint() : 0;
    const overhead = r.pos - keyAt;
    const nested = codec.masks?.nested ?? [0, 0];
    // An entering record sends nested fields whole; a later one may patch them or send them
    // whole (replaced): the bytes tell which.
    let replaced = [c0 & nested[0], c1 & nested[1]];
    let n = patchLength(codec, entity, c0, c1, replaced[0]!, replaced[1]!);
    if (!sameBytes(frame, maskAt, n)) {
      replaced = [0, 0];
      n = patchLength(codec, entity, c0, c1, 0, 0);
      if (!sameBytes(frame, maskAt, n)) {
        r.pos = keyAt;
        break;
      }
    }
    const fieldBytes = n - (r.pos - maskAt);
    r.pos = maskAt + n;
    let cls = into.get(codec.name);
    if (cls === undefined) into.set(codec.name, (cls = { bytes: 0, records: 0, overhead: 0, fields: new Map() }));
    cls.bytes += r.pos - keyAt;
    cls.records++;
    cls.overhead += overhead;
    attributeFields(codec, entity, c0, c1, replaced, fieldBytes, overhead, cls.fields);
  }
  return { total: frame.length, header, unattributed: frame.length - r.pos };
}

/**
 * Splits a record's field bytes among its fields: each field encoded alone (less the empty
 * patch's mask) gives its size; when fields share bytes (bit-packed quantized values) the sizes
 * alone add up to more than the record, and are scaled down to it.
 */
function attributeFields(codec: ClassCodec, e: object, c0: number, c1: number, replaced: number[], total: number, overhead: number, into: Map<string, FieldBytes>): void {
  const fields = codec.fields;
  const empty = patchLength(codec, e, 0, 0, 0, 0);
  const sizes: number[] = [];
  const names: string[] = [];
  let sum = 0;
  for (let i = 0; i < fields.length; i++) {
    const b0 = i < 32 ? (1 << i) & c0 : 0;
    const b1 = i >= 32 ? (1 << (i - 32)) & c1 : 0;
    if (b0 === 0 && b1 === 0) continue;
    const size = patchLength(codec, e, b0, b1, b0 & replaced[0]!, b1 & replaced[1]!) - empty;
    sizes.push(size);
    names.push(fields[i]!);
    sum += size;
  }
  const scale = sum > total && sum > 0 ? total / sum : 1;
  for (let j = 0; j < names.length; j++) {
    let f = into.get(names[j]!);
    if (f === undefined) into.set(names[j]!, (f = { bytes: 0, shared: 0, records: 0 }));
    f.bytes += sizes[j]! * scale;
    f.shared += overhead / names.length;
    f.records++;
  }
}
