import { decoratorRole, type DecoratorName } from '@netschema/runtime/catalog';
import { dirname } from 'node:path';
import ts from 'typescript';

/** The package whose public entry exports netschema's decorators. */
export const RUNTIME_PACKAGE = '@netschema/runtime';

/**
 * The one place that decides what counts as a netschema decorator: the symbol an expression
 * names, followed through import aliases and re-exports, is one that `@netschema/runtime`'s
 * public entry exports under a name the catalog lists. So `import { u8 as byte }` and
 * `import * as ns` work, and a local function that happens to be called `u8` does not.
 *
 * The entry is found the way the schema file's own imports find it (module resolution with the
 * program's options: the package's exports map, conditions, symlinks), so the runtime's sources,
 * its build in dist/ and an installed copy are all recognised without assuming any file path.
 */
export class NetschemaDecorators {
  private readonly checker: ts.TypeChecker;
  /** Per directory and module format: the entry's decorator symbols, by symbol (empty when the runtime does not resolve). */
  private readonly exportsByPlace = new Map<string, ReadonlyMap<ts.Symbol, DecoratorName>>();

  constructor(private readonly program: ts.Program) {
    this.checker = program.getTypeChecker();
  }

  /** The netschema decorator `node` (an identifier or `ns.name`) refers to, or undefined. */
  nameOf(node: ts.Node): DecoratorName | undefined {
    const symbol = resolveSymbol(this.checker, node);
    return symbol === undefined ? undefined : this.decoratorsSeenFrom(node.getSourceFile()).get(symbol);
  }

  private decoratorsSeenFrom(sf: ts.SourceFile): ReadonlyMap<ts.Symbol, DecoratorName> {
    const place = `${String(sf.impliedNodeFormat)}|${dirname(sf.fileName)}`;
    let found = this.exportsByPlace.get(place);
    if (found === undefined) {
      found = this.readEntry(sf);
      this.exportsByPlace.set(place, found);
    }
    return found;
  }

  private readEntry(from: ts.SourceFile): ReadonlyMap<ts.Symbol, DecoratorName> {
    const out = new Map<ts.Symbol, DecoratorName>();
    const options = this.program.getCompilerOptions();
    const resolved = ts.resolveModuleName(RUNTIME_PACKAGE, from.fileName, options, ts.sys, undefined, undefined, from.impliedNodeFormat).resolvedModule;
    const entry = resolved === undefined ? undefined : this.program.getSourceFile(resolved.resolvedFileName);
    const module = entry === undefined ? undefined : this.checker.getSymbolAtLocation(entry);
    if (module === undefined) return out;
    for (const e of this.checker.getExportsOfModule(module)) {
      const name = e.name;
      if (decoratorRole(name) !== undefined) out.set(e.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(e) : e, name as DecoratorName);
    }
    return out;
  }
}

/** Resolves an identifier (or `a.b`) to its declaration symbol, through import aliases. */
export function resolveSymbol(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  const target = ts.isPropertyAccessExpression(node) ? node.name : node;
  let symbol = checker.getSymbolAtLocation(target);
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol;
}
