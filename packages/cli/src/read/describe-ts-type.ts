import ts from 'typescript';
import type { TsShape } from './raw-model.js';
import { declKey } from './source-pos.js';

/**
 * Reduces a field's TypeScript type to a TsShape. Literal types widen to their primitive
 * (`0 | 1` is a number), enum members gather into their enum, and `NetArray`/`NetMap` keep their
 * type arguments. Classes and enums are identified by declaration, so two classes named alike in
 * different files stay apart.
 */
export function describeTsType(checker: ts.TypeChecker, type: ts.Type, depth = 0): TsShape {
  const f = type.flags;
  if (f & ts.TypeFlags.Any) return { kind: 'any' };
  if (f & ts.TypeFlags.EnumLike) {
    const e = enumOfType(type);
    if (e !== undefined) return e;
  }
  if (type.isUnion()) return union(type.types.map((t) => describeTsType(checker, t, depth)));
  if (f & ts.TypeFlags.NumberLike) return { kind: 'number' };
  if (f & ts.TypeFlags.BooleanLike) return { kind: 'boolean' };
  if (f & ts.TypeFlags.StringLike) return { kind: 'string' };
  if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return { kind: 'undefined' };
  if (f & ts.TypeFlags.Null) return { kind: 'null' };
  if (f & ts.TypeFlags.Object && depth < 8) {
    const symbol = type.getSymbol();
    const name = symbol?.name;
    const args = (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type as ts.TypeReference) : [];
    if (name === 'Uint8Array') return { kind: 'bytes' };
    if (name === 'NetArray' && args.length === 1) return { kind: 'net-array', element: describeTsType(checker, args[0]!, depth + 1) };
    if (name === 'NetMap' && args.length === 2) {
      return { kind: 'net-map', key: describeTsType(checker, args[0]!, depth + 1), value: describeTsType(checker, args[1]!, depth + 1) };
    }
    if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Class) {
      const decl = symbol.declarations?.find(ts.isClassDeclaration);
      if (decl !== undefined) return { kind: 'class', classKey: declKey(decl), name: symbol.name };
    }
  }
  return { kind: 'other' };
}

function enumOfType(type: ts.Type): TsShape | undefined {
  const decl = type.getSymbol()?.declarations?.[0];
  const enumDecl = decl === undefined ? undefined : ts.isEnumDeclaration(decl) ? decl : ts.isEnumMember(decl) ? decl.parent : undefined;
  if (enumDecl === undefined) return undefined;
  const members = type.isUnion() ? type.types : [type];
  const numeric = members.every((m) => (m.flags & ts.TypeFlags.NumberLike) !== 0);
  return { kind: 'enum', enumKey: declKey(enumDecl), name: enumDecl.name.text, numeric };
}

/** Flattens, merges members of one enum and drops duplicates; a one-member union is that member. */
function union(members: TsShape[]): TsShape {
  const out: TsShape[] = [];
  for (const m of members.flatMap((x) => (x.kind === 'union' ? x.members : [x]))) {
    const same = out.findIndex((o) => sameShape(o, m));
    if (same === -1) out.push(m);
    else if (m.kind === 'enum' && !m.numeric) out[same] = m;
  }
  return out.length === 1 ? out[0]! : { kind: 'union', members: out };
}

function sameShape(a: TsShape, b: TsShape): boolean {
  if (a.kind === 'enum' && b.kind === 'enum') return a.enumKey === b.enumKey;
  return JSON.stringify(a) === JSON.stringify(b);
}
