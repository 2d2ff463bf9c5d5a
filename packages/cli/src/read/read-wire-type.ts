import { DECORATOR_FACTORIES as USAGE, isDecoratorFactory, isPrimitiveName } from '@netschema/runtime/catalog';
import ts from 'typescript';
import type { SourcePos } from '../ir/schema-ir.js';
import { resolveSymbol, type NetschemaDecorators } from './netschema-decorators.js';
import type { RawArg, RawType } from './raw-model.js';
import { posOf } from './source-pos.js';

/** What reading a wire type needs from the module reader: the checker, and registration of what it references. */
export interface WireTypeContext {
  readonly checker: ts.TypeChecker;
  /** Tells netschema's decorators from other names. */
  readonly decorators: NetschemaDecorators;
  /** Records a class declaration (reading it later) and returns its key. */
  classRef(decl: ts.ClassLikeDeclaration): string;
  enumRef(decl: ts.EnumDeclaration): string;
}

/**
 * Reads a decorator expression (`u8`, `quantized({...})`, `array(Item)`), or an argument of
 * `array`/`map`/`optional` (`asArgument`: a schema class or a thunk is allowed there too).
 */
export function readWireType(ctx: WireTypeContext, expr: ts.Expression, asArgument: boolean, aliasDepth = 0): RawType {
  const pos = posOf(expr);
  if (ts.isParenthesizedExpression(expr)) return readWireType(ctx, expr.expression, asArgument, aliasDepth);
  if (ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr)) {
    const name = ctx.decorators.nameOf(expr);
    if (name !== undefined && isPrimitiveName(name)) return { kind: 'primitive', name, pos };
    if (asArgument && name === undefined) {
      const cls = classDeclarationOf(ctx.checker, expr);
      if (cls !== undefined) return { kind: 'ref', classKey: ctx.classRef(cls), text: expr.getText(), pos };
    }
    // A name for a wire type (`const coord = quantized({...})`, then `@coord`): read what it is
    // bound to. Only `const` bindings, since a `let` could be reassigned before decorating.
    const alias = name === undefined && aliasDepth < 8 ? constInitializer(ctx.checker, expr) : undefined;
    if (alias !== undefined) {
      const t = readWireType(ctx, alias, asArgument, aliasDepth + 1);
      // A bad binding is reported where it is used as a decorator.
      return t.kind === 'malformed' || t.kind === 'unknown' ? { ...t, pos } : t;
    }
    if (name !== undefined && isDecoratorFactory(name)) {
      return { kind: 'malformed', what: name, reason: `${name} takes arguments, as in ${USAGE[name]}`, pos };
    }
    return { kind: 'unknown', name: expr.getText(), netschemaName: name ?? null, pos };
  }
  if (asArgument && (ts.isArrowFunction(expr) || ts.isFunctionExpression(expr))) return readThunk(ctx, expr, pos);
  if (ts.isCallExpression(expr)) return readCall(ctx, expr, pos);
  return { kind: 'malformed', what: expr.getText(), reason: 'expected a wire type such as u8, quantized({...}) or a @schema class', pos };
}

/** The initializer of the `const` declaration a name refers to, if it is one. */
function constInitializer(checker: ts.TypeChecker, expr: ts.Identifier | ts.PropertyAccessExpression): ts.Expression | undefined {
  const decl = resolveSymbol(checker, expr)?.declarations?.[0];
  if (decl === undefined || !ts.isVariableDeclaration(decl) || decl.initializer === undefined) return undefined;
  const list = decl.parent;
  if (!ts.isVariableDeclarationList(list) || (list.flags & ts.NodeFlags.Const) === 0) return undefined;
  return decl.initializer;
}

function readCall(ctx: WireTypeContext, call: ts.CallExpression, pos: SourcePos): RawType {
  const name = ctx.decorators.nameOf(call.expression);
  const args = call.arguments;
  if (name !== undefined && isPrimitiveName(name)) {
    return { kind: 'malformed', what: name, reason: `${name} takes no arguments: write @${name}`, pos };
  }
  if (name === undefined || !isDecoratorFactory(name)) {
    return { kind: 'unknown', name: call.expression.getText(), netschemaName: name ?? null, pos };
  }
  const first = args[0];
  if (first === undefined) return { kind: 'malformed', what: name, reason: `${name} needs an argument, as in ${USAGE[name]}`, pos };
  switch (name) {
    case 'quantized':
      return readQuantized(ctx.checker, first, pos);
    case 'angle':
      return readAngle(ctx.checker, first, pos);
    case 'enumOf': {
      const symbol = resolveSymbol(ctx.checker, first);
      const decl = symbol !== undefined && symbol.flags & ts.SymbolFlags.Enum ? symbol.declarations?.find(ts.isEnumDeclaration) : undefined;
      return { kind: 'enum', enumKey: decl === undefined ? null : ctx.enumRef(decl), text: first.getText(), pos: posOf(first) };
    }
    case 'child': {
      const inner = readWireType(ctx, first, true);
      if (inner.kind === 'ref') return inner;
      return { kind: 'ref', classKey: null, text: first.getText(), pos: posOf(first) };
    }
    case 'array':
      return { kind: 'array', element: readWireType(ctx, first, true), pos };
    case 'map': {
      const second = args[1];
      if (second === undefined) return { kind: 'malformed', what: name, reason: `map needs a key kind and a value type, as in ${USAGE[name]}`, pos };
      return { kind: 'map', key: readStringArg(ctx.checker, first), value: readWireType(ctx, second, true), pos };
    }
    case 'optional':
      return { kind: 'optional', inner: readWireType(ctx, first, true), pos };
  }
}

function readThunk(ctx: WireTypeContext, fn: ts.ArrowFunction | ts.FunctionExpression, pos: SourcePos): RawType {
  let body: ts.Expression | undefined;
  if (ts.isBlock(fn.body)) {
    const ret = fn.body.statements.length === 1 ? fn.body.statements[0] : undefined;
    if (ret !== undefined && ts.isReturnStatement(ret)) body = ret.expression;
  } else {
    body = fn.body;
  }
  while (body !== undefined && ts.isParenthesizedExpression(body)) body = body.expression;
  const cls = body !== undefined ? classDeclarationOf(ctx.checker, body) : undefined;
  if (cls === undefined) return { kind: 'ref', classKey: null, text: fn.getText(), pos };
  return { kind: 'ref', classKey: ctx.classRef(cls), text: body!.getText(), pos };
}

function classDeclarationOf(checker: ts.TypeChecker, expr: ts.Expression): ts.ClassLikeDeclaration | undefined {
  const symbol = resolveSymbol(checker, expr);
  if (symbol === undefined || !(symbol.flags & ts.SymbolFlags.Class)) return undefined;
  return symbol.declarations?.find((d): d is ts.ClassDeclaration => ts.isClassDeclaration(d));
}

function readQuantized(checker: ts.TypeChecker, arg: ts.Expression, pos: SourcePos): RawType {
  const props = objectLiteral(arg);
  const bad = (reason: string): RawType => ({ kind: 'malformed', what: 'quantized', reason, pos: posOf(arg) });
  if (props === undefined) return bad(`quantized takes an object literal, as in ${USAGE.quantized}`);
  const unknown = [...props.keys()].filter((k) => !['min', 'max', 'bits', 'precision'].includes(k));
  if (unknown.length > 0) return bad(`quantized does not take ${unknown.join(', ')}; it takes min, max and bits or precision`);
  const min = props.get('min');
  const max = props.get('max');
  const bits = props.get('bits');
  const precision = props.get('precision');
  if (min === undefined || max === undefined) return bad('quantized needs both min and max');
  if ((bits === undefined) === (precision === undefined)) return bad('quantized needs exactly one of bits or precision');
  return {
    kind: 'quantized',
    min: readNumberArg(checker, min),
    max: readNumberArg(checker, max),
    bits: bits === undefined ? null : readNumberArg(checker, bits),
    precision: precision === undefined ? null : readNumberArg(checker, precision),
    pos,
  };
}

function readAngle(checker: ts.TypeChecker, arg: ts.Expression, pos: SourcePos): RawType {
  const props = objectLiteral(arg);
  if (props === undefined) return { kind: 'angle', bits: readNumberArg(checker, arg), unit: null, pos };
  const bad = (reason: string): RawType => ({ kind: 'malformed', what: 'angle', reason, pos: posOf(arg) });
  const unknown = [...props.keys()].filter((k) => k !== 'bits' && k !== 'unit');
  if (unknown.length > 0) return bad(`angle does not take ${unknown.join(', ')}; it takes bits and unit`);
  const bits = props.get('bits');
  if (bits === undefined) return bad(`angle needs bits, as in ${USAGE.angle}`);
  const unit = props.get('unit');
  return { kind: 'angle', bits: readNumberArg(checker, bits), unit: unit === undefined ? null : readStringArg(checker, unit), pos };
}

/** Properties of an object literal by name (shorthand `{ bits }` maps to the identifier), or undefined when it is not one. */
function objectLiteral(expr: ts.Expression): Map<string, ts.Expression> | undefined {
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (!ts.isObjectLiteralExpression(expr)) return undefined;
  const out = new Map<string, ts.Expression>();
  for (const p of expr.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) out.set(p.name.text, p.initializer);
    else if (ts.isShorthandPropertyAssignment(p)) out.set(p.name.text, p.name);
    else return undefined;
  }
  return out;
}

/**
 * A numeric literal, a signed one, `Infinity`/`NaN`, or any expression whose type the checker
 * knows as a number literal (a `const` with a literal initializer).
 */
export function readNumberArg(checker: ts.TypeChecker, expr: ts.Expression): RawArg<number> {
  const pos = posOf(expr);
  const value = numberValue(checker, expr);
  return value === undefined ? { ok: false, text: expr.getText(), pos } : { ok: true, value, pos };
}

function numberValue(checker: ts.TypeChecker, expr: ts.Expression): number | undefined {
  if (ts.isParenthesizedExpression(expr)) return numberValue(checker, expr.expression);
  if (ts.isNumericLiteral(expr)) return Number(expr.text);
  if (ts.isPrefixUnaryExpression(expr) && (expr.operator === ts.SyntaxKind.MinusToken || expr.operator === ts.SyntaxKind.PlusToken)) {
    const v = numberValue(checker, expr.operand);
    return v === undefined ? undefined : expr.operator === ts.SyntaxKind.MinusToken ? -v : v;
  }
  if (ts.isIdentifier(expr) && (expr.text === 'Infinity' || expr.text === 'NaN')) {
    // Only the globals: a local `const Infinity = 3` would be a literal type and is handled below.
    const decl = resolveSymbol(checker, expr)?.declarations?.[0];
    if (decl === undefined || decl.getSourceFile().hasNoDefaultLib) return expr.text === 'NaN' ? NaN : Infinity;
  }
  const type = checker.getTypeAtLocation(expr);
  return type.isNumberLiteral() ? type.value : undefined;
}

export function readStringArg(checker: ts.TypeChecker, expr: ts.Expression): RawArg<string> {
  const pos = posOf(expr);
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return { ok: true, value: expr.text, pos };
  const type = checker.getTypeAtLocation(expr);
  return type.isStringLiteral() ? { ok: true, value: type.value, pos } : { ok: false, text: expr.getText(), pos };
}
