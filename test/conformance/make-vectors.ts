/**
 * Writes test/conformance/vectors.json from the case definitions below.
 *
 *   pnpm exec tsx --conditions=source test/conformance/make-vectors.ts
 *
 * The definitions are the source of truth, not the runtime:
 * - value cases give `hex` by hand where it is easy to derive from docs/wire-format.md; the
 *   script checks the Writer produces it and the Reader reads `value` back, and refuses to write
 *   the corpus otherwise;
 * - malformed cases give the input bytes, the error's <what> (spec section 11) and the offset by
 *   hand, and optionally the reference runtime's whole message (`detail`); the script checks the
 *   runtime agrees;
 * - decode cases give hand-written frames (room frames, inputs the World never produces) and the
 *   replica a decoder must hold afterwards; the script checks a ReplicaWorld agrees;
 * - frame cases give server-side actions; the bytes come from a World, and the expected replica
 *   state is projected from the *server's* objects through the manifest with the spec's rules
 *   (quantize, wrap angles, round to f32), not read back from a decoder. The script checks a
 *   ReplicaWorld fed the frames agrees with that projection.
 * Any disagreement is printed and the script exits non-zero without writing vectors.json.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DecodeError, NetArray, NetMap, Reader, ReplicaWorld, World } from '@netschema/runtime';
import * as gen from '@netschema/test-fixtures/schemas/conformance.netschema';
import {
  angleConstants, decodeValue, emitFrame, encodeValue, entitiesToJson, fromHex, numToJson, quantConstants, runAction,
  toHex, valueFromVector, valueToJson, type Action, type Emit, type Json, type ValueType,
} from './harness.js';

const SPEC = 'docs/wire-format.md';
const SCHEMA = 'test/fixtures/schemas/conformance.ts';
const problems: string[] = [];

// ── value cases ──

interface ValueDef {
  name: string;
  purpose: string;
  type: ValueType;
  params?: Json;
  value: Json;
  /** What a decoder returns, when encoding is lossy (floats, quantized, angles, lone surrogates). */
  decoded?: Json;
  /** Expected bytes; computed from the Writer when left out (then checked against `decoded`). */
  hex?: string;
}

const P = 2 ** 53 - 1;
const values: ValueDef[] = [
  // varuint: LEB128, 7 bits per byte, low group first, high bit = more bytes follow.
  { name: 'varuint-0', purpose: 'Zero is one byte', type: 'varuint', value: 0, hex: '00' },
  { name: 'varuint-1', purpose: 'Small values are one byte', type: 'varuint', value: 1, hex: '01' },
  { name: 'varuint-127', purpose: 'Largest one-byte value', type: 'varuint', value: 127, hex: '7f' },
  { name: 'varuint-128', purpose: 'Smallest two-byte value: continuation bit on the first byte', type: 'varuint', value: 128, hex: '8001' },
  { name: 'varuint-300', purpose: 'Low 7-bit group first', type: 'varuint', value: 300, hex: 'ac02' },
  { name: 'varuint-16383', purpose: 'Largest two-byte value', type: 'varuint', value: 16383, hex: 'ff7f' },
  { name: 'varuint-16384', purpose: 'Smallest three-byte value', type: 'varuint', value: 16384, hex: '808001' },
  { name: 'varuint-2^31-1', purpose: 'Largest int32', type: 'varuint', value: 2 ** 31 - 1, hex: 'ffffffff07' },
  { name: 'varuint-2^32-1', purpose: 'Largest uint32 (field masks use this)', type: 'varuint', value: 2 ** 32 - 1, hex: 'ffffffff0f' },
  { name: 'varuint-2^32', purpose: 'Beyond 32 bits: encoders must not use 32-bit shifts', type: 'varuint', value: 2 ** 32, hex: '8080808010' },
  { name: 'varuint-2^53-1', purpose: 'Largest varuint: 53 bits in 8 bytes, the last byte holding bits 49-52', type: 'varuint', value: P, hex: 'ffffffffffffff0f' },
  // varint: zigzag (0, -1, 1, -2, 2 ... → 0, 1, 2, 3, 4 ...) then varuint.
  { name: 'varint-0', purpose: 'Zigzag of 0 is 0', type: 'varint', value: 0, hex: '00' },
  { name: 'varint--1', purpose: 'Zigzag of -1 is 1', type: 'varint', value: -1, hex: '01' },
  { name: 'varint-1', purpose: 'Zigzag of 1 is 2', type: 'varint', value: 1, hex: '02' },
  { name: 'varint-63', purpose: 'Largest positive one-byte varint', type: 'varint', value: 63, hex: '7e' },
  { name: 'varint--64', purpose: 'Smallest negative one-byte varint', type: 'varint', value: -64, hex: '7f' },
  { name: 'varint-64', purpose: 'Smallest positive two-byte varint', type: 'varint', value: 64, hex: '8001' },
  { name: 'varint-127', purpose: 'Zigzag 254', type: 'varint', value: 127, hex: 'fe01' },
  { name: 'varint-128', purpose: 'Zigzag 256', type: 'varint', value: 128, hex: '8002' },
  { name: 'varint-2^31-1', purpose: 'Largest int32: zigzag 2^32-2', type: 'varint', value: 2 ** 31 - 1, hex: 'feffffff0f' },
  { name: 'varint--2^31', purpose: 'Smallest int32: zigzag 2^32-1', type: 'varint', value: -(2 ** 31), hex: 'ffffffff0f' },
  { name: 'varint-2^32', purpose: 'Beyond int32: zigzag computed without 32-bit arithmetic', type: 'varint', value: 2 ** 32, hex: '8080808020' },
  { name: 'varint--2^32', purpose: 'Negative beyond int32', type: 'varint', value: -(2 ** 32), hex: 'ffffffff1f' },
  { name: 'varint-2^52-1', purpose: 'Largest varint: its zigzag, 2^53-2, is the largest even varuint', type: 'varint', value: 2 ** 52 - 1, hex: 'feffffffffffff0f' },
  { name: 'varint--2^52', purpose: 'Smallest varint: its zigzag is 2^53-1', type: 'varint', value: -(2 ** 52), hex: 'ffffffffffffff0f' },
  // Fixed-width integers: little-endian, two's complement.
  { name: 'u8-255', purpose: 'u8 is one byte', type: 'u8', value: 255, hex: 'ff' },
  { name: 'u16-0x1234', purpose: 'Little-endian: low byte first', type: 'u16', value: 0x1234, hex: '3412' },
  { name: 'u32-0xdeadbeef', purpose: 'Little-endian u32', type: 'u32', value: 0xdeadbeef, hex: 'efbeadde' },
  { name: 'i8--128', purpose: "Two's complement i8 minimum", type: 'i8', value: -128, hex: '80' },
  { name: 'i8--1', purpose: "Two's complement -1", type: 'i8', value: -1, hex: 'ff' },
  { name: 'i16--2', purpose: 'Little-endian negative i16', type: 'i16', value: -2, hex: 'feff' },
  { name: 'i32--2^31', purpose: 'i32 minimum', type: 'i32', value: -(2 ** 31), hex: '00000080' },
  { name: 'i32-2^31-1', purpose: 'i32 maximum', type: 'i32', value: 2 ** 31 - 1, hex: 'ffffff7f' },
  // IEEE 754 binary32/binary64, little-endian.
  { name: 'f32-1.5', purpose: 'f32 exact value', type: 'f32', value: 1.5, hex: '0000c03f' },
  { name: 'f32-0.1', purpose: 'f32 rounds to the nearest binary32 (decoded as that float widened)', type: 'f32', value: 0.1, decoded: Math.fround(0.1), hex: 'cdcccc3d' },
  { name: 'f32--0', purpose: 'Negative zero keeps its sign bit', type: 'f32', value: numToJson(-0), hex: '00000080' },
  { name: 'f32-inf', purpose: 'Infinity', type: 'f32', value: numToJson(Infinity), hex: '0000807f' },
  { name: 'f32-overflow', purpose: 'A double beyond binary32 range becomes Infinity', type: 'f32', value: 1e39, decoded: numToJson(Infinity), hex: '0000807f' },
  { name: 'f32-nan', purpose: 'NaN (this encoder writes the quiet NaN 0x7fc00000; decoders accept any NaN pattern)', type: 'f32', value: numToJson(NaN), hex: '0000c07f' },
  { name: 'f64-0.1', purpose: 'f64 little-endian', type: 'f64', value: 0.1, hex: '9a9999999999b93f' },
  { name: 'f64--0', purpose: 'Negative zero', type: 'f64', value: numToJson(-0), hex: '0000000000000080' },
  { name: 'f64-max-safe', purpose: 'Large integer in f64', type: 'f64', value: P, hex: 'ffffffffffff3f43' },
  // Strings: varuint byte length, then UTF-8.
  { name: 'string-empty', purpose: 'Empty string: length 0, no bytes', type: 'string', value: '', hex: '00' },
  { name: 'string-ascii', purpose: 'ASCII: one byte per character', type: 'string', value: 'hi', hex: '026869' },
  { name: 'string-nul', purpose: 'U+0000 is an ordinary one-byte character', type: 'string', value: 'a\u0000b', hex: '03610062' },
  { name: 'string-2-byte', purpose: 'U+00E9 takes 2 bytes: the length counts bytes, not characters', type: 'string', value: 'é', hex: '02c3a9' },
  { name: 'string-3-byte', purpose: 'U+20AC takes 3 bytes', type: 'string', value: '€', hex: '03e282ac' },
  { name: 'string-surrogate-pair', purpose: 'U+1F600 (a UTF-16 surrogate pair) is one 4-byte UTF-8 sequence, not two 3-byte ones', type: 'string', value: '😀', hex: '04f09f9880' },
  { name: 'string-lone-surrogate', purpose: 'A lone surrogate cannot be UTF-8: encoders write U+FFFD', type: 'string', value: 'a\ud800', decoded: 'a\ufffd', hex: '0461efbfbd' },
  { name: 'string-43-ascii', purpose: 'Crosses the encoder fast path (43 UTF-16 units may need 129 bytes); still a one-byte length', type: 'string', value: 'x'.repeat(43), hex: '2b' + '78'.repeat(43) },
  { name: 'string-200-ascii', purpose: 'Two-byte length prefix', type: 'string', value: 'y'.repeat(200), hex: 'c801' + '79'.repeat(200) },
  { name: 'string-70-mixed', purpose: 'Long non-ASCII string (platform UTF-8 path): 70 × é = 140 bytes', type: 'string', value: 'é'.repeat(70), hex: '8c01' + 'c3a9'.repeat(70) },
  // Bytes: varuint length, then the bytes.
  { name: 'bytes-empty', purpose: 'Empty byte string', type: 'bytes', value: { $bytes: '' }, hex: '00' },
  { name: 'bytes-3', purpose: 'Bytes are copied as they are', type: 'bytes', value: { $bytes: '00ff80' }, hex: '0300ff80' },
  // Bit blocks: values packed LSB-first, then padded with zero bits to a byte.
  { name: 'bits-bools', purpose: 'Nine 1-bit values: bit i of the block is bit (i mod 8) of byte (i div 8); the last byte is zero-padded', type: 'bits', params: { widths: [1, 1, 1, 1, 1, 1, 1, 1, 1] }, value: [1, 0, 1, 0, 0, 0, 0, 0, 1], hex: '0501' },
  { name: 'bits-mixed', purpose: 'A 1-bit, a 4-bit and a 3-bit value share one byte: 1 | 0b1001 << 1 | 0b101 << 5', type: 'bits', params: { widths: [1, 4, 3] }, value: [1, 9, 5], hex: 'b3' },
  { name: 'bits-straddle', purpose: 'A value crossing a byte boundary: its low bits end one byte, its high bits start the next', type: 'bits', params: { widths: [3, 10] }, value: [5, 0x2ab], hex: '5d15' },
  { name: 'bits-32', purpose: 'A 32-bit value after 1 bit: spread over 5 bytes', type: 'bits', params: { widths: [1, 32] }, value: [1, 0xdeadbeef], hex: 'df7d5bbd01' },
  { name: 'bits-25', purpose: '25-bit value (widths above 24 are split by this implementation; the wire is the same)', type: 'bits', params: { widths: [25] }, value: [0x1abcdef], hex: 'efcdab01' },
  // Quantized floats: q = round((v - min) / step) clamped to [0, 2^bits - 1]; decoded as min + q * step.
  { name: 'quantized-min', purpose: 'min maps to q = 0', type: 'quantized', params: { min: -10, max: 10, bits: 4 }, value: -10, hex: '00' },
  { name: 'quantized-max', purpose: 'max maps to q = 2^bits - 1 (decoded with float64 rounding: min + 15 * step)', type: 'quantized', params: { min: -10, max: 10, bits: 4 }, value: 10, hex: '0f' },
  { name: 'quantized-round-half-up', purpose: '(0 - -10) / (20/15) = 7.5 rounds to 8: halves round toward +infinity', type: 'quantized', params: { min: -10, max: 10, bits: 4 }, value: 0, decoded: -10 + 8 * (20 / 15), hex: '08' },
  { name: 'quantized-round-half-up-2', purpose: '2.5 / 1 = 2.5 rounds to 3, 3.5 to 4: not to even', type: 'quantized', params: { min: 0, max: 15, bits: 4 }, value: 2.5, decoded: 3, hex: '03' },
  { name: 'quantized-round-half-up-3', purpose: '3.5 rounds to 4', type: 'quantized', params: { min: 0, max: 15, bits: 4 }, value: 3.5, decoded: 4, hex: '04' },
  { name: 'quantized-clamp-low', purpose: 'Below min clamps to q = 0', type: 'quantized', params: { min: -10, max: 10, bits: 4 }, value: -1000, decoded: -10, hex: '00' },
  { name: 'quantized-clamp-high', purpose: 'Above max clamps to q = 2^bits - 1', type: 'quantized', params: { min: -10, max: 10, bits: 4 }, value: 1e9, decoded: -10 + 15 * (20 / 15), hex: '0f' },
  { name: 'quantized-nan', purpose: 'NaN sends q = 0', type: 'quantized', params: { min: -10, max: 10, bits: 4 }, value: numToJson(NaN), decoded: -10, hex: '00' },
  { name: 'quantized-16', purpose: '16-bit quantized: 123.4 in [0, 1000] is q = 8087, little-endian in the bit block', type: 'quantized', params: { min: 0, max: 1000, bits: 16 }, value: 123.4, decoded: 8087 * (1000 / 65535), hex: '971f' },
  { name: 'quantized-32', purpose: '32-bit quantized: the widest allowed', type: 'quantized', params: { min: 0, max: 1, bits: 32 }, value: 1, hex: 'ffffffff' },
  // Angles: q = round(v * steps / turn) mod steps (non-negative), steps = 2^bits; decoded as q * turn / steps.
  { name: 'angle-zero', purpose: '0 is q = 0', type: 'angle', params: { bits: 8, unit: 'rad' }, value: 0, hex: '00' },
  { name: 'angle-pi', purpose: 'Half a turn is steps / 2', type: 'angle', params: { bits: 8, unit: 'rad' }, value: Math.PI, hex: '80' },
  { name: 'angle-full-turn', purpose: 'A full turn wraps to 0', type: 'angle', params: { bits: 8, unit: 'rad' }, value: 2 * Math.PI, decoded: 0, hex: '00' },
  { name: 'angle-negative', purpose: '-pi/2 wraps to 3/4 turn (q = 192)', type: 'angle', params: { bits: 8, unit: 'rad' }, value: -Math.PI / 2, decoded: 192 * ((2 * Math.PI) / 256), hex: 'c0' },
  { name: 'angle-three-halves-turn', purpose: '3 pi wraps to pi', type: 'angle', params: { bits: 8, unit: 'rad' }, value: 3 * Math.PI, decoded: 128 * ((2 * Math.PI) / 256), hex: '80' },
  { name: 'angle-deg-near-turn', purpose: '359.9° rounds up to q = 1024, which wraps to 0', type: 'angle', params: { bits: 10, unit: 'deg' }, value: 359.9, decoded: 0, hex: '0000' },
  { name: 'angle-deg-negative', purpose: '-1° is q = round(-2.84) = -3, wrapped to 1021', type: 'angle', params: { bits: 10, unit: 'deg' }, value: -1, decoded: 1021 * (360 / 1024), hex: 'fd03' },
  { name: 'angle-half-up', purpose: '45° in 2 bits is 0.5 steps: rounds to 1 (90°)', type: 'angle', params: { bits: 2, unit: 'deg' }, value: 45, decoded: 90, hex: '01' },
  { name: 'angle-negative-half', purpose: '-45° in 2 bits is -0.5 steps: rounds toward +infinity, to 0', type: 'angle', params: { bits: 2, unit: 'deg' }, value: -45, decoded: 0, hex: '00' },
  { name: 'angle-nan', purpose: 'NaN sends 0', type: 'angle', params: { bits: 8, unit: 'rad' }, value: numToJson(NaN), decoded: 0, hex: '00' },
];

// ── frame cases ──

interface Tick {
  actions: Action[];
  emit: Emit;
}

interface FrameDef {
  name: string;
  purpose: string;
  /** Ticks before the one under test (their frames prime the replica). */
  before?: Tick[];
  actions: Action[];
  emit: Emit;
}

function chainValue(depth: number): Json {
  let v: Json = { $new: 'Chain', v: depth };
  for (let d = depth - 1; d >= 1; d--) v = { $new: 'Chain', v: d, next: v };
  return v;
}

const bagSetup: Tick = {
  actions: [{
    add: 'Bag', as: 'b', set: {
      points: { $array: [{ $new: 'Vec2', x: 1, y: 2 }, { $new: 'Vec2', x: 3, y: 4 }] },
      flags: { $array: [true, false, true] },
      ids: { $array: [7, 8] },
      tags: { $array: ['a', 'b'] },
      scores: { $map: [['x', 1], ['y', 2], ['z', 3]] },
      spots: { $map: [[5, { $new: 'Vec2', x: 0.5, y: 0 }]] },
    },
  }],
  emit: 'full',
};

const frames: FrameDef[] = [
  { name: 'full-empty', purpose: 'A full frame of an empty world: kind 1, count 0', actions: [], emit: 'full' },
  { name: 'patch-empty', purpose: 'A patch with nothing to say: kind 2 and three empty sections', actions: [], emit: 'patch' },
  {
    name: 'full-vec2',
    purpose: 'Smallest entity: id delta (varint 1 = 02), class id (Vec2 = 9), then the fixed block (two f32)',
    actions: [{ add: 'Vec2', as: 'v', set: { x: 1.5, y: -2 } }],
    emit: 'full',
  },
  {
    name: 'full-scalars',
    purpose: 'Every byte-block primitive: fixed block in field order, then string and bytes in the variable block',
    actions: [{
      add: 'Scalars', as: 's', set: {
        byte: 255, word: 0x1234, dword: 0xdeadbeef, sbyte: -2, short: -300, int: -70000, count: 300, delta: -65,
        ratio: 1.5, precise: 0.1, label: 'héllo', blob: { $bytes: '010203' },
      },
    }],
    emit: 'full',
  },
  {
    name: 'full-packed',
    purpose: 'Every bit-block type in one 30-bit block (4 bytes): bools, quantized, angles in rad and deg, enums of 3, 5 and 1 members (0 bits)',
    actions: [{
      add: 'Packed', as: 'p', set: {
        a: true, q: 3.3, b: false, heading: -Math.PI / 2, aim: 90, color: { $enum: 'Color.Blue' }, mode: { $enum: 'Mode.Swim' }, c: true,
      },
    }],
    emit: 'full',
  },
  {
    name: 'full-optionals-absent',
    purpose: 'Absent optional fields: five presence bits of 0 and nothing else',
    actions: [{ add: 'Optionals', as: 'o' }],
    emit: 'full',
  },
  {
    name: 'full-optionals-present',
    purpose: 'Present optional fields: presence bit then, for bit-block types, the value right after it; byte-block values follow in their blocks',
    actions: [{ add: 'Optionals', as: 'o', set: { hp: 7, shield: true, charge: 0.5, title: 'hi', pos: { $new: 'Vec2', x: 1, y: 0 } } }],
    emit: 'full',
  },
  {
    name: 'full-optionals-some',
    purpose: 'A false optional bool is present (1) with value 0; absent ones are just 0',
    actions: [{ add: 'Optionals', as: 'o', set: { shield: false, title: '' } }],
    emit: 'full',
  },
  {
    name: 'full-polymorphic',
    purpose: 'Fields typed by a class with subclasses carry a varuint class id before each value (Actor = 1, Hero = 4)',
    actions: [{
      add: 'Squad', as: 's', set: {
        leader: { $new: 'Hero', hp: 90, name: 'Ann' },
        members: { $array: [{ $new: 'Actor', hp: 5 }, { $new: 'Hero', hp: 6, name: 'B' }] },
      },
    }],
    emit: 'full',
  },
  {
    name: 'full-bag',
    purpose: 'Collections: schema-element array, bool array packed 8 per byte, u16 array, string array, maps with string and number keys, bool map values padded one per byte',
    actions: [{
      add: 'Bag', as: 'b', set: {
        points: { $array: [{ $new: 'Vec2', x: 1, y: 2 }] },
        flags: { $array: [true, false, true, true, false, false, false, false, true, true] },
        ids: { $array: [1, 513] },
        tags: { $array: ['a', ''] },
        scores: { $map: [['x', 1], ['y', 2]] },
        spots: { $map: [[-1, { $new: 'Vec2', x: 0, y: 0 }], [64, { $new: 'Vec2', x: 0, y: 0 }]] },
        seen: { $map: [['p', true], ['q', false]] },
      },
    }],
    emit: 'full',
  },
  {
    name: 'full-two-entities',
    purpose: 'Ids are deltas from the previous entry (first from 0): ids 1 and 2 are both 02',
    actions: [{ add: 'Vec2', as: 'a' }, { add: 'Actor', as: 'b', set: { hp: 1 } }],
    emit: 'full',
  },
  {
    name: 'full-proto-keys',
    purpose: "Map keys '__proto__' and 'constructor' are ordinary keys: a decoder must not let them reach object prototypes",
    actions: [{ add: 'Bag', as: 'b', set: { scores: { $map: [['__proto__', 1], ['constructor', 2], ['toString', 3]] } } }],
    emit: 'full',
  },
  {
    name: 'full-chain-32',
    purpose: 'Nesting exactly at the depth limit (32 objects, the entity counting as 1) decodes',
    actions: [{ add: 'Chain', as: 'c', set: (chainValue(32) as { [k: string]: Json }) }],
    emit: 'full',
  },
  {
    name: 'patch-created',
    purpose: 'An entity added this tick travels whole in the created section',
    before: [{ actions: [], emit: 'full' }],
    actions: [{ add: 'Vec2', as: 'v', set: { x: 1 } }],
    emit: 'patch',
  },
  {
    name: 'patch-scalars',
    purpose: 'Changed-field mask (fields 1, 7 and 10 → 0x482 → varuint 82 09), empty bit block, then changed fixed and variable fields in field order',
    before: [{ actions: [{ add: 'Scalars', as: 's' }], emit: 'full' }],
    actions: [{ set: 's.label', value: 'ok' }, { set: 's.word', value: 65535 }, { set: 's.delta', value: -1 }],
    emit: 'patch',
  },
  {
    name: 'patch-packed',
    purpose: 'Only changed bit-block values are packed, in field order (q then color)',
    before: [{ actions: [{ add: 'Packed', as: 'p' }], emit: 'full' }],
    actions: [{ set: 'p.color', value: { $enum: 'Color.Green' } }, { set: 'p.q', value: 10 }],
    emit: 'patch',
  },
  {
    name: 'patch-after-zero-bit-enum',
    purpose: 'Field 8 (after the 0-bit enum, which can never change): mask 0x100 is varuint 80 02, one bit in the bit block',
    before: [{ actions: [{ add: 'Packed', as: 'p' }], emit: 'full' }],
    actions: [{ set: 'p.solo', value: { $enum: 'Solo.Only' } }, { set: 'p.c', value: true }],
    emit: 'patch',
  },
  {
    name: 'patch-optionals-set',
    purpose: 'Optional fields becoming present: presence bits in the patch bit block; a new nested value has its replaced bit set',
    before: [{ actions: [{ add: 'Optionals', as: 'o' }], emit: 'full' }],
    actions: [{ set: 'o.hp', value: 1 }, { set: 'o.charge', value: 1 }, { set: 'o.title', value: 'x' }, { set: 'o.pos', value: { $new: 'Vec2', x: 2, y: 3 } }],
    emit: 'patch',
  },
  {
    name: 'patch-optionals-unset',
    purpose: 'Optional fields becoming absent: presence bit 0 and nothing else',
    before: [{ actions: [{ add: 'Optionals', as: 'o', set: { hp: 1, shield: true, title: 'x', pos: { $new: 'Vec2' } } }], emit: 'full' }],
    actions: [{ set: 'o.hp', value: null }, { set: 'o.shield', value: null }, { set: 'o.title', value: null }, { set: 'o.pos', value: null }],
    emit: 'patch',
  },
  {
    name: 'patch-optional-nested-in-place',
    purpose: 'A present optional nested value changed in place: presence 1, replaced 0, then its own patch',
    before: [{ actions: [{ add: 'Optionals', as: 'o', set: { pos: { $new: 'Vec2' } } }], emit: 'full' }],
    actions: [{ set: 'o.pos.y', value: 0.25 }],
    emit: 'patch',
  },
  {
    name: 'patch-nested-in-place',
    purpose: 'A nested object changed in place: replaced bit 0, then a patch of the nested object (its own mask)',
    before: [{ actions: [{ add: 'Actor', as: 'a' }], emit: 'full' }],
    actions: [{ set: 'a.pos.x', value: 2 }],
    emit: 'patch',
  },
  {
    name: 'patch-nested-replaced',
    purpose: 'A nested object assigned anew: replaced bit 1, then the whole object',
    before: [{ actions: [{ add: 'Actor', as: 'a' }], emit: 'full' }],
    actions: [{ set: 'a.pos', value: { $new: 'Vec2', x: 2, y: 3 } }],
    emit: 'patch',
  },
  {
    name: 'patch-polymorphic',
    purpose: 'A replaced polymorphic field carries a class id; an in-place patch of a polymorphic value does not (the client knows its class)',
    before: [{ actions: [{ add: 'Squad', as: 's', set: { members: { $array: [{ $new: 'Hero', name: 'A' }] } } }], emit: 'full' }],
    actions: [{ set: 's.leader', value: { $new: 'Hero', name: 'Z' } }, { set: 's.members.0.name', value: 'B' }],
    emit: 'patch',
  },
  {
    name: 'patch-array-ops',
    purpose: 'Array patch: new length, op count, then per op an index delta, op byte (1 set, 2 patch) and value; ops ascend',
    before: [bagSetup],
    actions: [
      { set: 'b.points.1.y', value: 9 },
      { call: 'b.points', method: 'push', args: [{ $new: 'Vec2', x: 5, y: 6 }] },
      { call: 'b.points', method: 'set', args: [0, { $new: 'Vec2', x: 7, y: 8 }] },
    ],
    emit: 'patch',
  },
  {
    name: 'patch-array-pop',
    purpose: 'Shrinking: the new length alone truncates (zero ops)',
    before: [bagSetup],
    actions: [{ call: 'b.points', method: 'pop' }, { call: 'b.ids', method: 'pop' }],
    emit: 'patch',
  },
  {
    name: 'patch-array-splice',
    purpose: 'Removing in the middle resends every element from there on, as set operations',
    before: [bagSetup],
    actions: [{ call: 'b.tags', method: 'splice', args: [0, 1] }, { call: 'b.tags', method: 'push', args: ['c', 'd'] }],
    emit: 'patch',
  },
  {
    name: 'patch-array-bits',
    purpose: 'In array patches, each bit-typed element is its own zero-padded byte (unlike full arrays, which pack them)',
    before: [bagSetup],
    actions: [{ call: 'b.flags', method: 'set', args: [1, true] }, { call: 'b.flags', method: 'push', args: [true] }],
    emit: 'patch',
  },
  {
    name: 'patch-array-replaced',
    purpose: 'A collection assigned anew goes out whole (replaced bit 1)',
    before: [bagSetup],
    actions: [{ set: 'b.ids', value: { $array: [1, 2, 3] } }],
    emit: 'patch',
  },
  {
    name: 'patch-map-ops',
    purpose: 'Map patch ops: 1 set (new key appended, existing key keeps its place), 0 delete, 4 delete-then-set (key moves last)',
    before: [bagSetup],
    actions: [
      { call: 'b.scores', method: 'set', args: ['y', 20] },
      { call: 'b.scores', method: 'delete', args: ['z'] },
      { call: 'b.scores', method: 'delete', args: ['x'] },
      { call: 'b.scores', method: 'set', args: ['x', 10] },
      { call: 'b.scores', method: 'set', args: ['w', 4] },
    ],
    emit: 'patch',
  },
  {
    name: 'patch-map-readd-then-set',
    purpose: 'A key deleted and set again (op 4, it moves last), then set once more after another key was added: it must stay before that key',
    before: [bagSetup],
    actions: [
      { call: 'b.scores', method: 'delete', args: ['x'] },
      { call: 'b.scores', method: 'set', args: ['x', 10] },
      { call: 'b.scores', method: 'set', args: ['w', 4] },
      { call: 'b.scores', method: 'set', args: ['x', 11] },
    ],
    emit: 'patch',
  },
  {
    name: 'patch-map-clear',
    purpose: 'Op 3 clears the map; later ops apply to the empty map',
    before: [bagSetup],
    actions: [{ call: 'b.scores', method: 'clear' }, { call: 'b.scores', method: 'set', args: ['q', 1] }],
    emit: 'patch',
  },
  {
    name: 'patch-map-clear-readd',
    purpose: 'Clear, then a key that existed before the clear is set again: a plain set after the clear op',
    before: [bagSetup],
    actions: [{ call: 'b.scores', method: 'clear' }, { call: 'b.scores', method: 'set', args: ['y', 7] }, { call: 'b.scores', method: 'set', args: ['x', 8] }],
    emit: 'patch',
  },
  {
    name: 'patch-map-child',
    purpose: 'Op 2 patches a schema value in place; number keys are varints (5 → 0a)',
    before: [bagSetup],
    actions: [{ set: 'b.spots.5.y', value: 1 }, { call: 'b.spots', method: 'set', args: [-3, { $new: 'Vec2', x: 1, y: 1 }] }],
    emit: 'patch',
  },
  {
    name: 'patch-map-bool-values',
    purpose: 'Bit-typed map values are padded to a byte each',
    before: [bagSetup],
    actions: [{ call: 'b.seen', method: 'set', args: ['a', true] }, { call: 'b.seen', method: 'set', args: ['b', false] }],
    emit: 'patch',
  },
  {
    name: 'patch-wide-two-masks',
    purpose: 'A class with more than 32 fields sends two mask varuints (fields 0-31, then 32-63)',
    before: [{ actions: [{ add: 'Wide', as: 'w' }], emit: 'full' }],
    actions: [{ set: 'w.f0', value: true }, { set: 'w.f31', value: true }, { set: 'w.f33', value: 'z' }],
    emit: 'patch',
  },
  {
    name: 'patch-wide-high-only',
    purpose: 'First mask word 0, second word set',
    before: [{ actions: [{ add: 'Wide', as: 'w' }], emit: 'full' }],
    actions: [{ set: 'w.f32', value: 200 }],
    emit: 'patch',
  },
  {
    name: 'patch-lifecycle',
    purpose: 'All three sections: created (ids 4, 5), changed (ids 3 then 1: the second delta is negative, varint 03 = -2), removed (id 2)',
    before: [{ actions: [{ add: 'Vec2', as: 'a' }, { add: 'Vec2', as: 'b' }, { add: 'Vec2', as: 'c' }], emit: 'full' }],
    actions: [
      { set: 'c.x', value: 1 },
      { set: 'a.y', value: 1 },
      { remove: 'b' },
      { add: 'Actor', as: 'd' },
      { add: 'Vec2', as: 'e' },
    ],
    emit: 'patch',
  },
  {
    name: 'patch-remove-readd',
    purpose: 'An entity removed and added again in one tick is a removal of the old id and a creation under a new id',
    before: [{ actions: [{ add: 'Vec2', as: 'a' }, { add: 'Vec2', as: 'b' }], emit: 'full' }],
    actions: [{ set: 'a.x', value: 5 }, { remove: 'a' }, { addAgain: 'a' }],
    emit: 'patch',
  },
  {
    name: 'patch-proto-keys',
    purpose: "Patch ops on '__proto__' and 'constructor' keys",
    before: [bagSetup],
    actions: [{ call: 'b.scores', method: 'set', args: ['__proto__', 9] }, { call: 'b.scores', method: 'set', args: ['constructor', 8] }, { call: 'b.scores', method: 'delete', args: ['__proto__'] }],
    emit: 'patch',
  },
  {
    name: 'full-wizard',
    purpose: 'A World frame carries every field, visibility markers included (hp, mana); a map of arrays holds each array in full form as the map value',
    actions: [{ add: 'Wizard', as: 'w', set: { name: 'Ann', loot: { $map: [['a', { $array: [1, 2] }], ['b', { $array: [] }]] } } }],
    emit: 'full',
  },
  {
    name: 'patch-wizard-loot',
    purpose: 'A map value that is an array goes out whole (op 1 set) when a key is added',
    before: [{ actions: [{ add: 'Wizard', as: 'w', set: { loot: { $map: [['a', { $array: [1] }]] } } }], emit: 'full' }],
    actions: [{ call: 'w.loot', method: 'set', args: ['b', { $array: [3, 4] }] }],
    emit: 'patch',
  },
];

// ── decode cases: frames the reference World does not produce (room frames, edge cases), by hand ──

interface DecodeDef {
  name: string;
  purpose: string;
  /** Hex of frames applied first. */
  before?: string[];
  hex: string;
  /** The decoder's entities afterwards, `[[id, object], ...]` in iteration order, fields in field order. */
  replica: Json;
}

const V12 = '0000803f00000040'; // Vec2 (1, 2)
const V34 = '0000404000008040'; // Vec2 (3, 4)
const V56 = '0000a0400000c040'; // Vec2 (5, 6)
const vec2 = (x: number, y: number): Json => ({ $class: 'Vec2', x, y });
/** A room frame (tick 1, no ack, no flags, nothing left) in which ids 1 and 2 enter as Vec2 (1, 2) and (3, 4). */
const ROOM_TWO_VEC2 = '0301000000' + '02' + '050903' + V12 + '050903' + V34;
const decodes: DecodeDef[] = [
  {
    name: 'room-enter-hidden-fields',
    purpose: 'A Wizard (class 11) enters with the public fields only (mask 0c: name, loot): hp (@ownerOnly) and mana (@teamOnly) were never sent, so the fresh replica holds them absent (null), not 0',
    hex: '0301000000' + '01' + '050b' + '0c' + '01' + '03416e6e' + '00',
    replica: [[1, { $class: 'Wizard', hp: null, mana: null, name: 'Ann', loot: { $map: [] } }]],
  },
  {
    name: 'room-enter-team-view',
    purpose: 'The same Wizard as a team mate sees it (mask 0e): mana = 300 arrives, hp stays absent',
    hex: '0301000000' + '01' + '050b' + '0e' + '01' + '2c01' + '03416e6e' + '00',
    replica: [[1, { $class: 'Wizard', hp: null, mana: 300, name: 'Ann', loot: { $map: [] } }]],
  },
  {
    name: 'room-enter-owner-view',
    purpose: "The owner's view (mask 0f): every field, and loot {a: [1, 2]} (replaced bit 1: a map of arrays in full form)",
    hex: '0301000000' + '01' + '050b' + '0f' + '01' + '64' + '2c01' + '03416e6e' + '01' + '0161' + '02' + '0100' + '0200',
    replica: [[1, { $class: 'Wizard', hp: 100, mana: 300, name: 'Ann', loot: { $map: [['a', [1, 2]]] } }]],
  },
  {
    name: 'room-leave-enter-moves-last',
    purpose: 'Id 1 leaves and enters again in one room frame: a removal then a new entity, so it goes last in iteration order',
    before: [ROOM_TWO_VEC2],
    hex: '03020000' + '0102' + '01' + '050903' + V56,
    replica: [[2, vec2(3, 4)], [1, vec2(5, 6)]],
  },
  {
    name: 'room-enter-held-keeps-place',
    purpose: 'Id 1 enters while the decoder still holds it (not left first): the new replica replaces the old one in its place',
    before: [ROOM_TWO_VEC2],
    hex: '0302000000' + '01' + '050903' + V56,
    replica: [[1, vec2(5, 6)], [2, vec2(3, 4)]],
  },
  {
    name: 'room-same-id-twice',
    purpose: "Id 1 is patched twice in one room frame, the second time after id 2 (id delta -1), as the reference server sends an owner's hidden fields in an entry of their own and then the tick's shared run: the entries apply in turn (x = 7, then y = 9)",
    before: [ROOM_TWO_VEC2],
    hex: '03020000' + '00' + '03' + '04' + '01' + '0000e040' + '04' + '02' + '00000041' + '02' + '02' + '00001041',
    replica: [[1, vec2(7, 9)], [2, vec2(3, 8)]],
  },
  {
    name: 'room-reset',
    purpose: 'Flag bit 0 (reset) drops every entity before the frame applies: only id 2 remains',
    before: [ROOM_TWO_VEC2],
    hex: '03020001' + '00' + '01' + '090903' + V56,
    replica: [[2, vec2(5, 6)]],
  },
  {
    name: 'patch-created-held-keeps-place',
    purpose: 'A patch frame creates id 1, which the decoder holds (a full frame taken mid-tick already had it): the new entity replaces the old one in its place',
    before: ['0102' + '0209' + V12 + '0209' + V34],
    hex: '0201' + '0209' + V56 + '0000',
    replica: [[1, vec2(5, 6)], [2, vec2(3, 4)]],
  },
];

/**
 * Frame cases whose replica is known to disagree with the server (a runtime bug, not a vector
 * bug): still written, with the server's state as the expected replica, and marked so the tests
 * expect the failure and flag the case once it is fixed. Remove an entry when its bug is fixed.
 */
// Runtime bugs the vectors record until they are fixed (name → description). Empty: all fixed.
const KNOWN_FAILURES: Record<string, string> = {};

// ── malformed cases ──

interface MalformedDef {
  name: string;
  purpose: string;
  /** A primitive type, or 'frame' (ReplicaWorld of the fixture schema). */
  decodeAs: ValueType | 'frame';
  params?: Json;
  /** For frames: ticks whose frames are applied first (state the bad frame refers to). */
  before?: Tick[];
  hex: string;
  /**
   * `message` is the error's `<what>` (docs/wire-format.md, section 11): what every decoder must
   * report. `detail` is the reference runtime's whole message, informative only.
   */
  error: { message: string; offset: number; detail?: string };
}

const SCALARS_FIXED = '00'.repeat(28); // byte..precise of a zero Scalars: 1+2+4+1+2+4+1+1+4+8 bytes
const malformed: MalformedDef[] = [
  // varuint
  { name: 'varuint-empty', purpose: 'No bytes at all', decodeAs: 'varuint', hex: '', error: { message: 'truncated varuint', offset: 0 } },
  { name: 'varuint-truncated', purpose: 'Continuation bit on the last byte of the input', decodeAs: 'varuint', hex: '8080', error: { message: 'truncated varuint', offset: 0 } },
  { name: 'varuint-overlong', purpose: 'A final zero byte after a continuation (0 encoded in 2 bytes) is not minimal', decodeAs: 'varuint', hex: '8000', error: { message: 'overlong varuint', offset: 0 } },
  { name: 'varuint-overlong-300', purpose: '300 with a redundant zero group', decodeAs: 'varuint', hex: 'ac8200', error: { message: 'overlong varuint', offset: 0 } },
  { name: 'varuint-too-long', purpose: 'Continuation bit on byte 8: a 9th byte is never allowed', decodeAs: 'varuint', hex: 'ffffffffffffffff01', error: { message: 'varuint too long', offset: 0 } },
  { name: 'varuint-too-long-at-end', purpose: 'Eight bytes, the 8th with its continuation bit, then the end of the input: too long, not truncated (the 8th byte decides; no 9th byte could make it valid)', decodeAs: 'varuint', hex: 'ffffffffffffffff', error: { message: 'varuint too long', offset: 0 } },
  { name: 'varuint-truncated-7', purpose: 'Seven bytes, each with its continuation bit, then the end of the input: truncated (an 8th byte could end it)', decodeAs: 'varuint', hex: 'ffffffffffffff', error: { message: 'truncated varuint', offset: 0 } },
  { name: 'varuint-2^53', purpose: '8 bytes holding 2^53: beyond safe integers', decodeAs: 'varuint', hex: '8080808080808010', error: { message: 'varuint out of range', offset: 0 } },
  { name: 'varuint-2^56-1', purpose: 'All 56 bits set', decodeAs: 'varuint', hex: 'ffffffffffffff7f', error: { message: 'varuint out of range', offset: 0 } },
  { name: 'varint-overlong', purpose: 'varints inherit varuint minimality', decodeAs: 'varint', hex: 'ff00', error: { message: 'overlong varuint', offset: 0 } },
  { name: 'varint-truncated', purpose: 'Truncated varint', decodeAs: 'varint', hex: 'ff', error: { message: 'truncated varuint', offset: 0 } },
  // fixed types
  { name: 'u8-truncated', purpose: 'u8 with no byte', decodeAs: 'u8', hex: '', error: { message: 'truncated u8', offset: 0 } },
  { name: 'i8-truncated', purpose: 'i8 with no byte', decodeAs: 'i8', hex: '', error: { message: 'truncated i8', offset: 0 } },
  { name: 'u16-truncated', purpose: 'u16 with 1 byte', decodeAs: 'u16', hex: '01', error: { message: 'truncated u16', offset: 0, detail: 'truncated u16 at byte 0: expected 2 bytes, got 1 left' } },
  { name: 'i16-truncated', purpose: 'i16 with 1 byte', decodeAs: 'i16', hex: 'ff', error: { message: 'truncated i16', offset: 0 } },
  { name: 'u32-truncated', purpose: 'u32 with 3 bytes', decodeAs: 'u32', hex: '010203', error: { message: 'truncated u32', offset: 0 } },
  { name: 'i32-truncated', purpose: 'i32 with 2 bytes', decodeAs: 'i32', hex: '0102', error: { message: 'truncated i32', offset: 0 } },
  { name: 'f32-truncated', purpose: 'f32 with 3 bytes', decodeAs: 'f32', hex: '0000c0', error: { message: 'truncated f32', offset: 0, detail: 'truncated f32 at byte 0: expected 4 bytes, got 3 left' } },
  { name: 'f64-truncated', purpose: 'f64 with 7 bytes', decodeAs: 'f64', hex: '9a9999999999b9', error: { message: 'truncated f64', offset: 0, detail: 'truncated f64 at byte 0: expected 8 bytes, got 7 left' } },
  { name: 'bits-truncated', purpose: 'A bit block needing a second byte that is not there', decodeAs: 'bits', params: { widths: [3, 10] }, hex: '5d', error: { message: 'truncated bit block', offset: 1 } },
  // strings and bytes
  { name: 'string-longer-than-input', purpose: 'Length 5 with 2 bytes left: rejected before any allocation', decodeAs: 'string', hex: '056869', error: { message: 'string longer than the frame', offset: 0, detail: 'string longer than the frame at byte 0: expected at most 2 bytes, got 5' } },
  { name: 'string-too-long', purpose: 'Length 2^20 + 1 is over the 1 MiB string limit (checked before the bytes left)', decodeAs: 'string', hex: '818040', error: { message: 'string too long', offset: 0, detail: 'string too long at byte 0: expected at most 1048576, got 1048577' } },
  { name: 'string-length-overlong', purpose: 'A length prefix is a varuint and must be minimal', decodeAs: 'string', hex: '8000', error: { message: 'overlong varuint', offset: 0 } },
  { name: 'string-invalid-utf8', purpose: 'C3 28: a lead byte followed by a non-continuation byte; the offset is the first byte of the text', decodeAs: 'string', hex: '02c328', error: { message: 'invalid UTF-8', offset: 1 } },
  { name: 'string-lone-continuation', purpose: 'A continuation byte with no lead byte', decodeAs: 'string', hex: '0180', error: { message: 'invalid UTF-8', offset: 1 } },
  { name: 'string-overlong-utf8', purpose: 'C0 80 (NUL in 2 bytes) is an overlong UTF-8 form', decodeAs: 'string', hex: '02c080', error: { message: 'invalid UTF-8', offset: 1 } },
  { name: 'string-encoded-surrogate', purpose: 'ED A0 80 encodes the surrogate U+D800: not valid UTF-8', decodeAs: 'string', hex: '03eda080', error: { message: 'invalid UTF-8', offset: 1 } },
  { name: 'string-truncated-sequence', purpose: 'A 3-byte sequence cut after its first byte, inside the declared length', decodeAs: 'string', hex: '0261e2', error: { message: 'invalid UTF-8', offset: 1 } },
  { name: 'string-above-u10ffff', purpose: 'F4 90 80 80 would be U+110000', decodeAs: 'string', hex: '04f4908080', error: { message: 'invalid UTF-8', offset: 1 } },
  { name: 'string-long-invalid', purpose: 'Invalid UTF-8 in a string longer than 64 bytes (a different decoding path)', decodeAs: 'string', hex: '46' + '61'.repeat(69) + 'ff', error: { message: 'invalid UTF-8', offset: 1 } },
  { name: 'bytes-longer-than-input', purpose: 'Byte string length beyond the input', decodeAs: 'bytes', hex: '030102', error: { message: 'bytes longer than the frame', offset: 0 } },
  // frames
  { name: 'frame-empty', purpose: 'A frame needs its kind byte', decodeAs: 'frame', hex: '', error: { message: 'truncated u8', offset: 0 } },
  { name: 'frame-kind-0', purpose: 'Kind 0 is not a frame kind', decodeAs: 'frame', hex: '00', error: { message: 'unknown frame kind', offset: 0, detail: 'unknown frame kind at byte 0: expected 1 (full), 2 (patch) or 3 (room), got 0' } },
  { name: 'frame-kind-4', purpose: 'Kind 4 is not a frame kind', decodeAs: 'frame', hex: '040000', error: { message: 'unknown frame kind', offset: 0 } },
  { name: 'room-flags-unknown', purpose: 'Room frame (kind 3, tick 0, ack 0) with flag bit 1, which is not defined', decodeAs: 'frame', hex: '030000020000', error: { message: 'unknown frame flags', offset: 3, detail: 'unknown frame flags at byte 3: expected flags within 1, got 2' } },
  { name: 'room-patch-unknown-entity', purpose: 'Room frame: no removals, one entity, head 04 = id delta 1 (zigzag 2) × 2 + 0 (a patch), but id 1 is not known', decodeAs: 'frame', hex: '0301000000010400', error: { message: 'patch for an unknown entity', offset: 6 } },
  { name: 'room-enter-unknown-class', purpose: 'Room frame: one entity entering (head 05 = zigzag 2 × 2 + 1) with class id 99', decodeAs: 'frame', hex: '030100000001056300', error: { message: 'unknown class id', offset: 7 } },
  { name: 'room-truncated-header', purpose: 'Room frame cut after the tick', decodeAs: 'frame', hex: '0301', error: { message: 'truncated varuint', offset: 2 } },
  { name: 'frame-trailing-bytes', purpose: 'A complete frame followed by more bytes', decodeAs: 'frame', hex: '010000', error: { message: 'trailing bytes after the frame', offset: 2, detail: 'trailing bytes after the frame at byte 2: expected the end of the frame, got 1 more bytes' } },
  { name: 'frame-patch-trailing', purpose: 'Trailing bytes after a patch frame', decodeAs: 'frame', hex: '0200000000', error: { message: 'trailing bytes after the frame', offset: 4 } },
  { name: 'frame-truncated-count', purpose: 'Full frame without its entity count', decodeAs: 'frame', hex: '01', error: { message: 'truncated varuint', offset: 1 } },
  { name: 'frame-count-overlong', purpose: 'Entity count in a non-minimal varuint', decodeAs: 'frame', hex: '018000', error: { message: 'overlong varuint', offset: 1 } },
  { name: 'frame-entities-longer-than-frame', purpose: '5 entities need at least 10 bytes (id delta and class id, 1 byte each); 2 are left', decodeAs: 'frame', hex: '01050209', error: { message: 'entities longer than the frame', offset: 1 } },
  { name: 'frame-entities-too-many', purpose: '65,537 entities is over the collection limit', decodeAs: 'frame', hex: '01818004', error: { message: 'entities too long', offset: 1 } },
  { name: 'frame-entity-id-0', purpose: 'Id delta 0 from 0 gives id 0: ids start at 1', decodeAs: 'frame', hex: '01010009', error: { message: 'entity id out of range', offset: 2 } },
  { name: 'frame-entity-id-negative', purpose: 'Id delta -1 (varint 01) from 0', decodeAs: 'frame', hex: '01010109', error: { message: 'entity id out of range', offset: 2 } },
  { name: 'frame-unknown-class-id', purpose: 'Class id 12: this schema has 1 to 11', decodeAs: 'frame', hex: '0101020c', error: { message: 'unknown class id', offset: 3, detail: 'unknown class id at byte 3: expected a class id of this schema (1 to 11), got 12' } },
  { name: 'frame-class-id-0', purpose: 'Class id 0 is never assigned', decodeAs: 'frame', hex: '01010200', error: { message: 'unknown class id', offset: 3 } },
  { name: 'frame-class-id-huge', purpose: 'Class id 2^53-1', decodeAs: 'frame', hex: '010102ffffffffffffff0f', error: { message: 'unknown class id', offset: 3 } },
  { name: 'frame-truncated-entity', purpose: 'A Scalars entity cut inside its u32 field (at byte 7: after u8 and u16)', decodeAs: 'frame', hex: '01010207ff3412efbe', error: { message: 'truncated u32', offset: 7, detail: 'truncated u32 at byte 7: expected 4 bytes, got 2 left' } },
  { name: 'frame-truncated-bit-block', purpose: 'A Packed entity with 2 of its 4 bit-block bytes', decodeAs: 'frame', hex: '010102060000', error: { message: 'truncated bit block', offset: 6 } },
  { name: 'frame-invalid-utf8-field', purpose: 'Invalid UTF-8 in Scalars.label', decodeAs: 'frame', hex: '01010207' + SCALARS_FIXED + '02c32800', error: { message: 'invalid UTF-8', offset: 33 } },
  { name: 'frame-string-longer-than-frame', purpose: 'Scalars.label claims 100 bytes', decodeAs: 'frame', hex: '01010207' + SCALARS_FIXED + '646869', error: { message: 'string longer than the frame', offset: 32 } },
  {
    name: 'frame-enum-out-of-range',
    purpose: 'Packed.color index 3 of a 3-member enum (bits 24-25). Errors inside a bit block report the reader position, past the byte already loaded',
    decodeAs: 'frame', hex: '0101020600000003', error: { message: 'Color: unknown member', offset: 8 },
  },
  { name: 'frame-enum-out-of-range-5', purpose: 'Packed.mode index 5 of a 5-member enum (bits 26-28 = 101)', decodeAs: 'frame', hex: '0101020600000014', error: { message: 'Mode: unknown member', offset: 8, detail: 'Mode: unknown member at byte 8: expected an index below 5, got 5' } },
  { name: 'frame-polymorphic-unknown-class', purpose: 'Squad.leader holds Actor or Hero (1 or 4): class 9 (Vec2) is rejected', decodeAs: 'frame', hex: '0101020809', error: { message: 'Actor: unknown class', offset: 4, detail: 'Actor: unknown class at byte 4: expected a class id of Actor, Hero, got 9' } },
  { name: 'frame-array-2^31', purpose: 'Bag.points claims 2^31 elements: rejected by the collection limit before any allocation', decodeAs: 'frame', hex: '010102028080808008', error: { message: 'Bag.points too long', offset: 4, detail: 'Bag.points too long at byte 4: expected at most 65536, got 2147483648' } },
  { name: 'frame-array-longer-than-frame', purpose: 'Bag.ids claims 3 u16 elements (6 bytes) with 2 bytes left', decodeAs: 'frame', hex: '010102020000030100', error: { message: 'Bag.ids longer than the frame', offset: 6 } },
  { name: 'frame-string-array-longer-than-frame', purpose: 'Bag.tags claims 3 strings (at least 1 byte each) with none left', decodeAs: 'frame', hex: '0101020200000003', error: { message: 'Bag.tags longer than the frame', offset: 7 } },
  { name: 'frame-map-longer-than-frame', purpose: 'Bag.scores claims 100 entries', decodeAs: 'frame', hex: '010102020000000064', error: { message: 'Bag.scores longer than the frame', offset: 8 } },
  { name: 'frame-nesting-too-deep', purpose: 'A Chain 33 objects deep: the 33rd object (at byte 68) is past the depth limit of 32', decodeAs: 'frame', hex: '01010203' + '0100'.repeat(32) + '0000', error: { message: 'nesting too deep', offset: 68, detail: 'nesting too deep at byte 68: expected at most 32 levels, got 33' } },
  { name: 'frame-patch-unknown-entity', purpose: 'A patch for id 1 on an empty replica', decodeAs: 'frame', hex: '020001020000', error: { message: 'patch for an unknown entity', offset: 3, detail: 'patch for an unknown entity at byte 3: expected the id of a live entity, got 1' } },
  { name: 'frame-patch-removed-entity', purpose: 'A patch for an entity the replica no longer has', decodeAs: 'frame', before: [{ actions: [{ add: 'Vec2', as: 'v' }], emit: 'full' }, { actions: [{ remove: 'v' }], emit: 'patch' }], hex: '020001020000', error: { message: 'patch for an unknown entity', offset: 3 } },
  { name: 'frame-patch-unknown-field', purpose: 'Mask bit 9 on a 9-field class (fields 0-8)', decodeAs: 'frame', before: [{ actions: [{ add: 'Packed', as: 'p' }], emit: 'full' }], hex: '0200010280040000', error: { message: 'Packed patch: unknown field', offset: 4, detail: 'Packed patch: unknown field at byte 4: expected field bits within 9 fields, got mask 1000000000' } },
  { name: 'frame-patch-unknown-field-high-word', purpose: 'Second mask word bit 2 on a 34-field class (fields 32-33 are bits 0-1)', decodeAs: 'frame', before: [{ actions: [{ add: 'Wide', as: 'w' }], emit: 'full' }], hex: '020001020004000000', error: { message: 'Wide patch: unknown field', offset: 4 } },
  { name: 'frame-patch-mask-beyond-32-bits', purpose: 'A mask word is 32 bits: 2^32 is out of range', decodeAs: 'frame', before: [{ actions: [{ add: 'Wide', as: 'w' }], emit: 'full' }], hex: '020001028080808010000000', error: { message: 'Wide patch: unknown field', offset: 4 } },
  { name: 'frame-patch-truncated-mask', purpose: 'A changed entity with no mask', decodeAs: 'frame', before: [{ actions: [{ add: 'Packed', as: 'p' }], emit: 'full' }], hex: '0200010280', error: { message: 'truncated varuint', offset: 4 } },
  { name: 'frame-patch-changed-longer-than-frame', purpose: '5 changed entities need at least 10 bytes', decodeAs: 'frame', hex: '020005', error: { message: 'changed entities longer than the frame', offset: 2 } },
  { name: 'frame-patch-removed-longer-than-frame', purpose: '5 removed ids need at least 5 bytes', decodeAs: 'frame', hex: '02000005', error: { message: 'removed entities longer than the frame', offset: 3 } },
  { name: 'frame-patch-created-unknown-class', purpose: 'Created section with class id 12', decodeAs: 'frame', hex: '0201020c', error: { message: 'unknown class id', offset: 3 } },
  { name: 'frame-patch-missing-optional-value', purpose: 'Optionals.pos is absent on the replica; the patch says present (1) but not replaced (0), i.e. patch in place', decodeAs: 'frame', before: [{ actions: [{ add: 'Optionals', as: 'o' }], emit: 'full' }], hex: '02000102100100000000', error: { message: 'Optionals.pos: patch for a missing value', offset: 6 } },
  { name: 'frame-array-index-out-of-range', purpose: 'Bag.points patch: index 2 in an array of new length 2', decodeAs: 'frame', before: [bagSetup], hex: '020001020100020102010000000000000000000000', error: { message: 'Bag.points: array index out of range', offset: 9, detail: 'Bag.points: array index out of range at byte 9: expected below 2, got 2' } },
  { name: 'frame-array-index-not-ascending', purpose: 'Second index delta 0 (same index twice)', decodeAs: 'frame', before: [bagSetup], hex: '02000102010002020001' + '0000803f0000803f' + '00' + '0000', error: { message: 'Bag.points: array indices not ascending', offset: 19 } },
  { name: 'frame-array-unknown-op', purpose: 'Array op 3 does not exist', decodeAs: 'frame', before: [bagSetup], hex: '0200010201000201000300', error: { message: 'Bag.points: unknown array operation', offset: 10, detail: 'Bag.points: unknown array operation at byte 10: expected operation 1 (set) or 2 (patch), got 3' } },
  { name: 'frame-array-grew-without-values', purpose: 'New length 3 (was 2) with no op for index 2', decodeAs: 'frame', before: [bagSetup], hex: '02000102010003000000', error: { message: 'Bag.points: array grew without values', offset: 6, detail: 'Bag.points: array grew without values at byte 6: expected 1 new elements, got 0' } },
  { name: 'frame-array-patch-missing-element', purpose: 'Op 2 (patch) for index 2, which is new', decodeAs: 'frame', before: [bagSetup], hex: '0200010201000301020200000000', error: { message: 'Bag.points: patch for a missing element', offset: 10 } },
  { name: 'frame-array-ops-longer-than-frame', purpose: '5 array ops with nothing after', decodeAs: 'frame', before: [bagSetup], hex: '02000102010002050000', error: { message: 'Bag.points operations longer than the frame', offset: 7 } },
  { name: 'frame-map-unknown-op', purpose: 'Map op 5 does not exist', decodeAs: 'frame', before: [bagSetup], hex: '0200010210000105', error: { message: 'Bag.scores: unknown map operation', offset: 8, detail: 'Bag.scores: unknown map operation at byte 8: expected a map operation 0 to 4, got 5' } },
  { name: 'frame-map-patch-op-on-plain-values', purpose: 'Op 2 (patch child) is only valid for schema-object values; Bag.scores holds u8', decodeAs: 'frame', before: [bagSetup], hex: '02000102100001020178', error: { message: 'Bag.scores: unknown map operation', offset: 8 } },
  { name: 'frame-map-patch-missing-key', purpose: 'Op 2 on Bag.spots key 7 (varint 0e), which does not exist', decodeAs: 'frame', before: [bagSetup], hex: '0200010220000102' + '0e' + '0100', error: { message: 'Bag.spots: patch for a missing key', offset: 9, detail: 'Bag.spots: patch for a missing key at byte 9: expected an existing key, got 7' } },
  { name: 'frame-duplicate-entity-id', purpose: 'A full frame listing id 1 twice (second delta 0): rejected at the repeated id', decodeAs: 'frame', hex: '0102' + '0209' + V12 + '0009' + V34, error: { message: 'duplicate entity id', offset: 12 } },
  { name: 'frame-map-duplicate-key', purpose: 'Bag.scores in full form with key "x" twice: rejected at the second key', decodeAs: 'frame', hex: '01010202' + '00000000' + '02' + '017801' + '017802' + '0000', error: { message: 'Bag.scores: duplicate map key', offset: 12 } },
  { name: 'frame-map-duplicate-number-key', purpose: 'Bag.spots in full form with key 5 (varint 0a) twice', decodeAs: 'frame', hex: '01010202' + '0000000000' + '02' + '0a' + '00'.repeat(8) + '0a' + '00'.repeat(8) + '00', error: { message: 'Bag.spots: duplicate map key', offset: 19 } },
  { name: 'frame-map-of-arrays-longer-than-frame', purpose: 'An array inside a map value is named by the field that holds the map: Wizard.loot["a"] claims 5 u16 with no bytes left', decodeAs: 'frame', hex: '0101020b' + '64' + '2c01' + '00' + '01' + '0161' + '05', error: { message: 'Wizard.loot longer than the frame', offset: 11 } },
  { name: 'frame-map-of-arrays-too-long', purpose: 'The same array claims 2^31 elements', decodeAs: 'frame', hex: '0101020b' + '64' + '2c01' + '00' + '01' + '0161' + '8080808008', error: { message: 'Wizard.loot too long', offset: 11 } },
  { name: 'frame-patch-nesting-too-deep', purpose: 'Depth counts nested patches too: a Chain 32 deep patched in place through 31 levels, the 32nd replacing its next with a whole Chain, which is level 33 (at byte 68)', decodeAs: 'frame', before: [{ actions: [{ add: 'Chain', as: 'c', set: (chainValue(32) as { [k: string]: Json }) }], emit: 'full' }], hex: '02000102' + '0201'.repeat(31) + '0203', error: { message: 'nesting too deep', offset: 68 } },
  { name: 'room-flags-high-bit', purpose: 'Room frame flags 0x80: only bit 0 is defined', decodeAs: 'frame', hex: '030000800000', error: { message: 'unknown frame flags', offset: 3 } },
  { name: 'room-entities-longer-than-frame', purpose: 'Room frame claiming 2 entities (at least 2 bytes each: head and mask) with 3 bytes left', decodeAs: 'frame', hex: '0300000000' + '02' + '040000', error: { message: 'entities longer than the frame', offset: 5 } },
  { name: 'room-left-longer-than-frame', purpose: 'Room frame claiming 3 left ids (at least 1 byte each) with 2 bytes left', decodeAs: 'frame', hex: '03000000' + '03' + '0202', error: { message: 'removed entities longer than the frame', offset: 4 } },
  { name: 'frame-map-key-invalid-utf8', purpose: 'Map key with invalid UTF-8', decodeAs: 'frame', before: [bagSetup], hex: '020001021000010101ff05000000', error: { message: 'invalid UTF-8', offset: 9 } },
];

// ── build and check ──

function check(cond: boolean, what: string): void {
  if (!cond) problems.push(what);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const valueCases = values.map((d) => {
  const value = valueFromVector(d.type, d.value);
  const decodedJson = d.decoded ?? d.value;
  const hex = toHex(encodeValue(d.type, value, d.params));
  if (d.hex !== undefined) check(hex === d.hex, `${d.name}: the Writer wrote ${hex}, the definition says ${d.hex}`);
  const r = new Reader(fromHex(hex));
  const got = valueToJson(d.type, decodeValue(r, d.type, d.params));
  check(same(got, decodedJson), `${d.name}: the Reader read ${JSON.stringify(got)}, expected ${JSON.stringify(decodedJson)}`);
  check(r.remaining === 0, `${d.name}: ${r.remaining} bytes left over`);
  return {
    name: d.name, purpose: d.purpose, kind: 'value', type: d.type, ...(d.params ? { params: d.params } : {}),
    value: d.value, ...(d.decoded !== undefined ? { decoded: d.decoded } : {}), hex,
  };
});

// Expected replica state, projected from the server's objects by the manifest (not decoded).
type MType = string | { quantized: { min: number; max: number; bits: number } } | { angle: { bits: number; unit: 'rad' | 'deg' } }
  | { enum: string } | { class: string } | { array: MType } | { map: { key: string; value: MType } };
const manifest = gen.manifest as unknown as { classes: { name: string; fields: { name: string; type: MType; optional: boolean }[] }[] };
const classByName = new Map(manifest.classes.map((c) => [c.name, c]));

function project(v: unknown, t: MType): Json {
  if (typeof t === 'string') {
    if (t === 'f32') return numToJson(Math.fround(v as number));
    if (t === 'bytes') return { $bytes: toHex(v as Uint8Array) };
    if (t === 'bool' || t === 'string') return v as Json;
    return numToJson(v as number);
  }
  if ('quantized' in t) {
    const p = t.quantized;
    const { step, steps } = quantConstants(p);
    const q = Math.round(((v as number) - p.min) / step);
    return numToJson(p.min + (q > 0 ? Math.min(q, steps) : 0) * step);
  }
  if ('angle' in t) {
    const { scale, unit, steps } = angleConstants(t.angle);
    let q = Math.round((v as number) * scale) % steps;
    if (q < 0) q += steps;
    return numToJson((Number.isNaN(q) ? 0 : q) * unit);
  }
  if ('enum' in t) return v as Json;
  if ('class' in t) return projectObject(v as object);
  if ('array' in t) return (v as NetArray<unknown>).toArray().map((x) => project(x, t.array));
  return { $map: [...(v as NetMap<string, unknown>)].map(([k, x]) => [k, project(x, t.map.value)]) };
}

function projectObject(o: object): Json {
  const name = o.constructor.name;
  const c = classByName.get(name);
  if (c === undefined) throw new Error(`${name} is not in the manifest`);
  const out: { [k: string]: Json } = { $class: name };
  for (const f of c.fields) {
    const v = (o as Record<string, unknown>)[f.name];
    out[f.name] = v === undefined ? null : project(v, f.type);
  }
  return out;
}

function projectWorld(world: World): Json {
  return [...world.values()].map((o) => [world.idOf(o), projectObject(o)]);
}

const frameCases = frames.map((d) => {
  const world = new World(gen);
  const replica = new ReplicaWorld(gen);
  const refs = new Map<string, object>();
  const before = (d.before ?? []).map((t) => {
    for (const a of t.actions) runAction(world, refs, a);
    const bytes = emitFrame(world, t.emit);
    replica.apply(bytes);
    return { actions: t.actions, emit: t.emit, hex: toHex(bytes) };
  });
  for (const a of d.actions) runAction(world, refs, a);
  const expected = projectWorld(world);
  const bytes = emitFrame(world, d.emit);
  const changes = replica.apply(bytes);
  const got = entitiesToJson(replica.entities);
  const known = KNOWN_FAILURES[d.name];
  if (known === undefined) {
    check(same(got, expected), `${d.name}: the replica holds\n  ${JSON.stringify(got)}\nbut the server state projects to\n  ${JSON.stringify(expected)}`);
  } else {
    check(!same(got, expected), `${d.name}: listed in KNOWN_FAILURES but the replica now agrees with the server: remove it from the list`);
  }
  return {
    name: d.name, purpose: d.purpose, kind: 'frame', ...(known !== undefined ? { knownFailure: known } : {}), ...(before.length ? { before } : {}),
    actions: d.actions, emit: d.emit, hex: toHex(bytes), replica: expected,
    changes: { added: [...changes.added], changed: [...changes.changed], masks: [...changes.masks], removed: [...changes.removed] },
  };
});

const malformedCases = malformed.map((d) => {
  let beforeHex: string[] = [];
  let err: unknown;
  if (d.decodeAs === 'frame') {
    const world = new World(gen);
    const refs = new Map<string, object>();
    const replica = new ReplicaWorld(gen);
    beforeHex = (d.before ?? []).map((t) => {
      for (const a of t.actions) runAction(world, refs, a);
      const bytes = emitFrame(world, t.emit);
      replica.apply(bytes);
      return toHex(bytes);
    });
    try { replica.apply(fromHex(d.hex)); } catch (e) { err = e; }
  } else {
    try { decodeValue(new Reader(fromHex(d.hex)), d.decodeAs, d.params); } catch (e) { err = e; }
  }
  if (!(err instanceof DecodeError)) problems.push(`${d.name}: expected a DecodeError, got ${err === undefined ? 'a result' : String(err)}`);
  else {
    check(err.what === d.error.message, `${d.name}: <what> "${err.what}", the definition says "${d.error.message}" ("${err.message}")`);
    check(err.offset === d.error.offset, `${d.name}: offset ${err.offset}, the definition says ${d.error.offset} ("${err.message}")`);
    if (d.error.detail !== undefined) check(err.message === d.error.detail, `${d.name}: message "${err.message}", the definition says "${d.error.detail}"`);
  }
  return {
    name: d.name, purpose: d.purpose, kind: 'malformed', decodeAs: d.decodeAs, ...(d.params ? { params: d.params } : {}),
    ...(beforeHex.length ? { before: beforeHex } : {}), hex: d.hex.replace(/\s+/g, ''), error: d.error,
  };
});

const decodeCases = decodes.map((d) => {
  const replica = new ReplicaWorld(gen);
  try {
    for (const h of d.before ?? []) replica.apply(fromHex(h));
    replica.apply(fromHex(d.hex));
    const got = entitiesToJson(replica.entities);
    check(same(got, d.replica), `${d.name}: the replica holds\n  ${JSON.stringify(got)}\nbut the definition says\n  ${JSON.stringify(d.replica)}`);
  } catch (e) {
    problems.push(`${d.name}: ${String(e)}`);
  }
  return { name: d.name, purpose: d.purpose, kind: 'decode', ...(d.before ? { before: d.before } : {}), hex: d.hex, replica: d.replica };
});

const names = new Set<string>();
for (const c of [...valueCases, ...frameCases, ...decodeCases, ...malformedCases]) {
  check(!names.has(c.name), `duplicate case name ${c.name}`);
  names.add(c.name);
}

if (problems.length > 0) {
  console.error(`make-vectors: ${problems.length} problem(s); vectors.json not written:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}

const corpus = {
  spec: SPEC,
  description:
    'netschema wire format v1 conformance vectors. "value" cases: one primitive, encoded to hex and decoded back ' +
    '("decoded" when encoding is lossy). "frame" cases: a World of the fixture schema driven through "actions" ' +
    '(after the "before" ticks, whose frames a decoder applies first), the frame it emits, and the replica state a ' +
    'decoder must hold after applying it. "decode" cases: frames written by hand (room frames, edge cases the World ' +
    'does not produce), applied after "before", and the replica a decoder must hold. "malformed" cases: input a decoder ' +
    'must reject with the error error.message (a <what> of section 11) at byte error.offset; error.detail, where given, ' +
    'is the reference runtime\'s whole message (informative). Notation for values: see docs/wire-format.md, "Conformance vectors".',
  schema: SCHEMA,
  manifest: 'test/fixtures/schemas/conformance.netschema.json',
  fingerprint: gen.netschema.fingerprint,
  generator: 'test/conformance/make-vectors.ts',
  knownFailures: Object.keys(KNOWN_FAILURES),
  cases: [...valueCases, ...frameCases, ...decodeCases, ...malformedCases],
};
const out = fileURLToPath(new URL('./vectors.json', import.meta.url));
writeFileSync(out, JSON.stringify(corpus, null, 2) + '\n');
console.log(`wrote ${out}: ${valueCases.length} value, ${frameCases.length} frame, ${decodeCases.length} decode, ${malformedCases.length} malformed cases`);
