import { DECORATOR_FACTORY_NAMES, PRIMITIVE_NAMES } from '@netschema/runtime/catalog';
import leven from 'leven';

/** Every name a netschema wire type can be written with. */
export const WIRE_TYPE_NAMES: readonly string[] = [...PRIMITIVE_NAMES, ...DECORATOR_FACTORY_NAMES];

/** Names from other schema libraries and languages, which edit distance alone would not find. */
const ALIASES: Readonly<Record<string, string>> = {
  uint8: 'u8', uint16: 'u16', uint32: 'u32', int8: 'i8', int16: 'i16', int32: 'i32',
  byte: 'u8', short: 'i16', int: 'i32', integer: 'varint', uint: 'varuint', number: 'f64',
  float: 'f32', float32: 'f32', float64: 'f64', double: 'f64', boolean: 'bool',
  str: 'string', text: 'string', buffer: 'bytes', uint8array: 'bytes', binary: 'bytes',
  quantize: 'quantized', quantised: 'quantized', enum: 'enumOf', enumof: 'enumOf',
  list: 'array', vec: 'array', record: 'map', dict: 'map', ref: 'child', type: 'child',
  object: 'child', opt: 'optional', maybe: 'optional', nullable: 'optional',
};

/**
 * The known name closest to `written`, when one is close enough to be a likely typo. Aliases take
 * part too, so a misspelt alias (`flaot`) still leads to its netschema name (`f32`).
 */
export function suggestName(written: string, known: readonly string[] = WIRE_TYPE_NAMES): string | undefined {
  const lower = written.toLowerCase();
  const candidates: [spelling: string, name: string][] = known.map((k) => [k.toLowerCase(), k]);
  for (const [alias, name] of Object.entries(ALIASES)) if (known.includes(name)) candidates.push([alias, name]);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const [spelling, name] of candidates) {
    const d = leven(lower, spelling);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.ceil(written.length / 2)) ? best : undefined;
}
