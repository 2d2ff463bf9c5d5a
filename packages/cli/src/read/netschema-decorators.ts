import ts from 'typescript';

/**
 * The name of the netschema runtime export `node` refers to, or undefined when it refers to
 * something else. Resolution goes through the checker and import aliases, so `import { u8 as byte }`
 * and `import * as ns` both work, and a local function that happens to be called `u8` does not.
 * This is the one place that decides what counts as a netschema decorator.
 */
export function netschemaExportName(checker: ts.TypeChecker, node: ts.Node): string | undefined {
  const target = ts.isPropertyAccessExpression(node) ? node.name : node;
  let symbol = checker.getSymbolAtLocation(target);
  if (symbol === undefined) return undefined;
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const decl = symbol.declarations?.[0];
  if (decl === undefined) return undefined;
  return isRuntimeDecoratorsFile(decl.getSourceFile().fileName) ? symbol.name : undefined;
}

/**
 * The runtime's decorator module: as an installed package, or in this workspace as sources or
 * as its build (a project linked to the workspace resolves `types` to dist/ when its tsconfig has
 * no `source` condition).
 */
export function isRuntimeDecoratorsFile(fileName: string): boolean {
  const path = fileName.replaceAll('\\', '/');
  return path.includes('/@netschema/runtime/') || /\/runtime\/(src|dist)\/schema\/decorators\./.test(path);
}

/** Field decorators that take arguments; the bare ones are the catalog's primitive names. */
export const DECORATOR_FACTORIES = ['quantized', 'angle', 'enumOf', 'child', 'array', 'map', 'optional'] as const;
export type DecoratorFactory = (typeof DECORATOR_FACTORIES)[number];

export function isDecoratorFactory(name: string): name is DecoratorFactory {
  return (DECORATOR_FACTORIES as readonly string[]).includes(name);
}

/** Visibility markers: netschema decorators that are not wire types. */
export const VISIBILITY_MARKERS = { ownerOnly: 'owner', teamOnly: 'team' } as const;
export type VisibilityMarkerName = keyof typeof VISIBILITY_MARKERS;

export function isVisibilityMarker(name: string | undefined): name is VisibilityMarkerName {
  return name === 'ownerOnly' || name === 'teamOnly';
}

/** Resolves an identifier (or `a.b`) to its declaration symbol, through import aliases. */
export function resolveSymbol(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  const target = ts.isPropertyAccessExpression(node) ? node.name : node;
  let symbol = checker.getSymbolAtLocation(target);
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol;
}
