// Every decorator the runtime exports is one the CLI recognises. The list of decorators is not
// written here: it is read from `@netschema/runtime`'s public entry with the TypeScript checker,
// keeping every export that is a decorator (or returns one when called). A decorator added to the
// runtime and not to the catalog the CLI reads its names from fails this test.
import { decoratorRole, DECORATOR_NAMES } from '@netschema/runtime/catalog';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaProgram, DEFAULT_COMPILER_OPTIONS } from '../src/read/create-program.js';
import { NetschemaDecorators, RUNTIME_PACKAGE } from '../src/read/netschema-decorators.js';
import { makeTempDir, type TempDir } from './support/temp-dir.js';

/** Whether values of this type can be applied as a decorator: a call signature takes a decorator context. */
function isDecorator(checker: ts.TypeChecker, type: ts.Type): boolean {
  return type.getCallSignatures().some((s) =>
    s.getParameters().some((p) => {
      const t = checker.getNonNullableType(checker.getTypeOfSymbol(p));
      return /^Class\w*DecoratorContext$/.test(t.getSymbol()?.name ?? t.aliasSymbol?.name ?? '');
    }),
  );
}

/** A decorator factory (`quantized({...})`, `array(u8)`): calling it returns a decorator. */
function isDecoratorFactory(checker: ts.TypeChecker, type: ts.Type): boolean {
  return type.getCallSignatures().some((s) => isDecorator(checker, s.getReturnType()));
}

/** The names of the value exports of the runtime's public entry that are decorators or decorator factories. */
function exportedDecorators(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file)!;
  const specifier = sf.statements.filter(ts.isImportDeclaration).map((d) => d.moduleSpecifier)[0]!;
  const entry = checker.getSymbolAtLocation(specifier);
  if (entry === undefined) throw new Error(`${RUNTIME_PACKAGE} does not resolve from ${file}`);
  const names: string[] = [];
  for (const e of checker.getExportsOfModule(entry)) {
    const symbol = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    if ((symbol.flags & ts.SymbolFlags.Value) === 0) continue;
    const type = checker.getTypeOfSymbol(symbol);
    if (isDecorator(checker, type) || isDecoratorFactory(checker, type)) names.push(e.name);
  }
  return names.sort();
}

describe('the decorators the runtime exports', () => {
  let tmp: TempDir;
  let exported: string[];

  beforeAll(() => {
    tmp = makeTempDir();
    const probe = tmp.write('entry.ts', `import * as runtime from '${RUNTIME_PACKAGE}';\nexport { runtime };\n`);
    exported = exportedDecorators(createSchemaProgram([probe], { ...DEFAULT_COMPILER_OPTIONS, noEmit: true }), probe);
  });
  afterAll(() => tmp.remove());

  it('are found in the public entry: the class decorator, a primitive, a factory and a marker at least', () => {
    expect(exported).toEqual(expect.arrayContaining(['schema', 'u8', 'quantized', 'array', 'ownerOnly']));
  });

  it('are exactly the decorators the catalog lists (the names the CLI knows)', () => {
    expect(exported).toEqual([...DECORATOR_NAMES].sort());
  });

  it('are each recognised by the CLI, by the symbol a schema file imports; a local namesake is not', () => {
    const names = exported.map((n) => `${n} as ${n}_`).join(', ');
    const uses = exported.map((n) => `${n}_;`).join('\n');
    const file = tmp.write('uses.ts', `import { ${names} } from '${RUNTIME_PACKAGE}';\n${uses}\nconst u8 = (): void => {};\nu8;\n`);
    const program = createSchemaProgram([file], { ...DEFAULT_COMPILER_OPTIONS, noEmit: true });
    const decorators = new NetschemaDecorators(program);
    const seen = program
      .getSourceFile(file)!
      .statements.filter(ts.isExpressionStatement)
      .map((s) => [s.expression.getText(), decorators.nameOf(s.expression)] as const);
    const unrecognised = exported.filter((n) => {
      const name = seen.find(([text]) => text === `${n}_`)?.[1];
      return name !== n || decoratorRole(name) === undefined;
    });
    expect(unrecognised).toEqual([]);
    expect(seen.find(([text]) => text === 'u8')?.[1]).toBeUndefined();
  });
});
