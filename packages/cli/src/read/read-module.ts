import { CLASS_DECORATOR, isVisibilityMarker, VISIBILITY_MARKERS } from '@netschema/runtime/catalog';
import ts from 'typescript';
import { describeTsType } from './describe-ts-type.js';
import { NetschemaDecorators } from './netschema-decorators.js';
import type { MemberKind, NameKind, RawClass, RawDecorator, RawEnum, RawMarker, RawMember, RawModule } from './raw-model.js';
import { forEachEnum, forEachRef } from './model-queries.js';
import { readWireType, type WireTypeContext } from './read-wire-type.js';
import { declKey, posOf } from './source-pos.js';

/**
 * Reads the schema module rooted at `rootFile`: every class of that file, every class reached
 * from them through wire types and base classes (in any file), the enums they use, and the other
 * classes of the files involved (to catch netschema decorators outside @schema classes).
 */
export function readModule(program: ts.Program, rootFile: string): RawModule {
  const checker = program.getTypeChecker();
  const root = program.getSourceFile(rootFile);
  if (root === undefined) throw new Error(`${rootFile} is not part of the program`);
  const reader = new ModuleReader(checker, new NetschemaDecorators(program));
  for (const decl of classesIn(root)) reader.classRef(decl);
  reader.drain();

  const moduleClasses = reader.reachableSchemaClasses(classesIn(root).map(declKey));
  // Other classes of the module's files: a stray field decorator there is a likely mistake.
  const moduleFiles = new Set([root.fileName, ...moduleClasses.map((k) => reader.classes.get(k)!.file)]);
  for (const file of moduleFiles) {
    const sf = program.getSourceFile(file);
    if (sf !== undefined) for (const decl of classesIn(sf)) if (hasMemberDecorators(decl)) reader.classRef(decl);
  }
  reader.drain();
  const otherClasses = [...reader.classes.values()].filter((c) => !c.isSchema && moduleFiles.has(c.file)).map((c) => c.key);

  const moduleEnums = new Set<string>();
  for (const key of moduleClasses) {
    for (const m of reader.classes.get(key)!.members) for (const d of m.decorators) forEachEnum(d.type, (k) => moduleEnums.add(k));
  }
  const inputFiles = new Set<string>([root.fileName]);
  for (const c of reader.classes.values()) if (!c.file.endsWith('.d.ts')) inputFiles.add(c.file);
  for (const k of moduleEnums) inputFiles.add(reader.enums.get(k)!.file);

  const options = program.getCompilerOptions();
  return {
    rootFile: root.fileName,
    mode: options.experimentalDecorators === true ? 'legacy' : 'standard',
    strictNullChecks: options.strictNullChecks ?? options.strict ?? false,
    classes: reader.classes,
    enums: reader.enums,
    moduleClasses,
    moduleEnums: [...moduleEnums],
    otherClasses,
    inputFiles: [...inputFiles].sort(),
  };
}

class ModuleReader implements WireTypeContext {
  readonly classes = new Map<string, RawClass>();
  readonly enums = new Map<string, RawEnum>();
  private readonly queue: ts.ClassDeclaration[] = [];
  private readonly queued = new Set<string>();

  constructor(
    readonly checker: ts.TypeChecker,
    readonly decorators: NetschemaDecorators,
  ) {}

  classRef(decl: ts.ClassLikeDeclaration): string {
    const key = declKey(decl);
    if (!this.queued.has(key) && ts.isClassDeclaration(decl)) {
      this.queued.add(key);
      this.queue.push(decl);
    }
    return key;
  }

  enumRef(decl: ts.EnumDeclaration): string {
    const key = declKey(decl);
    if (!this.enums.has(key)) {
      this.enums.set(key, {
        key,
        name: decl.name.text,
        exported: this.exportedByName(decl),
        file: decl.getSourceFile().fileName,
        pos: posOf(decl.name),
        members: decl.members.map((m) => ({ name: m.name.getText(), value: this.checker.getConstantValue(m), pos: posOf(m.name) })),
      });
    }
    return key;
  }

  /** Reads queued classes until none are left (reading one may queue the classes it references). */
  drain(): void {
    for (let decl = this.queue.shift(); decl !== undefined; decl = this.queue.shift()) {
      const cls = this.readClass(decl);
      this.classes.set(cls.key, cls);
    }
  }

  /** Schema classes reached from `roots` through wire types (from schema classes) and base classes (from any class). */
  reachableSchemaClasses(roots: readonly string[]): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    const visit = (key: string | null): void => {
      if (key === null || seen.has(key)) return;
      seen.add(key);
      const cls = this.classes.get(key);
      if (cls === undefined) return;
      if (cls.isSchema) {
        out.push(key);
        for (const m of cls.members) for (const d of m.decorators) forEachRef(d.type, visit);
      }
      visit(cls.baseKey);
    };
    for (const key of roots) if (this.classes.get(key)?.isSchema === true) visit(key);
    return out;
  }

  /** Whether the declaration's file exports it under its own name (`export class X`, `export { X }`). */
  private exportedByName(decl: ts.ClassDeclaration | ts.EnumDeclaration): boolean {
    const name = decl.name?.text;
    const own = decl.name === undefined ? undefined : this.checker.getSymbolAtLocation(decl.name);
    const fileSymbol = this.checker.getSymbolAtLocation(decl.getSourceFile());
    if (name === undefined || own === undefined || fileSymbol === undefined) return false;
    return this.checker.getExportsOfModule(fileSymbol).some((e) => {
      if (e.name !== name) return false;
      const target = e.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(e) : e;
      return target === own;
    });
  }

  private readClass(decl: ts.ClassDeclaration): RawClass {
    const sf = decl.getSourceFile();
    const key = declKey(decl);
    const isSchema = (ts.getDecorators(decl) ?? []).some((d) => this.decorators.nameOf(d.expression) === CLASS_DECORATOR);
    let baseKey: string | null = null;
    let basePos = null;
    const heritage = decl.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    if (heritage !== undefined) {
      basePos = posOf(heritage.expression);
      const instanceType = this.checker.getTypeAtLocation(decl);
      const baseType = instanceType.isClassOrInterface() ? this.checker.getBaseTypes(instanceType)[0] : undefined;
      const baseDecl = baseType?.getSymbol()?.declarations?.find(ts.isClassDeclaration);
      if (baseDecl !== undefined) baseKey = this.classRef(baseDecl);
    }
    // Declaration files (libraries) hold no netschema fields worth reading, and can be large.
    const members = sf.isDeclarationFile ? [] : decl.members.flatMap((m) => this.readMember(m));
    return {
      key,
      name: decl.name?.text ?? '',
      exported: this.exportedByName(decl),
      file: sf.fileName,
      pos: posOf(decl.name ?? decl),
      isSchema,
      baseKey,
      basePos,
      members,
    };
  }

  private readMember(m: ts.ClassElement): RawMember[] {
    let kind: MemberKind;
    if (ts.isPropertyDeclaration(m)) kind = ts.isAutoAccessorPropertyDeclaration(m) ? 'accessor' : 'property';
    else if (ts.isMethodDeclaration(m)) kind = 'method';
    else if (ts.isGetAccessorDeclaration(m)) kind = 'get';
    else if (ts.isSetAccessorDeclaration(m)) kind = 'set';
    else return [];
    const flags = ts.getCombinedModifierFlags(m);
    const decorators: RawDecorator[] = [];
    const markers: RawMarker[] = [];
    for (const d of ts.getDecorators(m) ?? []) {
      const marker = this.markerOf(d.expression);
      if (marker !== undefined) markers.push(marker);
      else decorators.push({ type: readWireType(this, d.expression, false), pos: posOf(d.expression) });
    }
    const { name, nameKind } = memberName(m.name);
    let tsType = { kind: 'other' } as RawMember['tsType'];
    let tsTypeText = '';
    if (decorators.length > 0 && (kind === 'property' || kind === 'accessor')) {
      const symbol = this.checker.getSymbolAtLocation(m.name);
      const type = symbol !== undefined ? this.checker.getTypeOfSymbolAtLocation(symbol, m) : this.checker.getTypeAtLocation(m);
      tsType = describeTsType(this.checker, type);
      tsTypeText = this.checker.typeToString(type);
    }
    return [
      {
        name,
        nameKind,
        kind,
        isStatic: (flags & ts.ModifierFlags.Static) !== 0,
        modifier: flags & ts.ModifierFlags.Private ? 'private' : flags & ts.ModifierFlags.Protected ? 'protected' : null,
        decorators,
        markers,
        tsType,
        tsTypeText,
        pos: posOf(m.name),
      },
    ];
  }

  /** A visibility marker decorator (`@ownerOnly`, `@ns.teamOnly`, also the mistaken `@ownerOnly()`), resolved through the checker. */
  private markerOf(expr: ts.Expression): RawMarker | undefined {
    while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
    const callee = ts.isCallExpression(expr) ? expr.expression : expr;
    const called = callee !== expr;
    const name = this.decorators.nameOf(callee);
    if (!isVisibilityMarker(name)) return undefined;
    return { name, visibility: VISIBILITY_MARKERS[name], called, pos: posOf(expr) };
  }
}

function memberName(name: ts.PropertyName): { name: string; nameKind: NameKind } {
  if (ts.isIdentifier(name)) return { name: name.text, nameKind: 'identifier' };
  if (ts.isPrivateIdentifier(name)) return { name: name.text, nameKind: 'private' };
  if (ts.isStringLiteral(name)) return { name: name.text, nameKind: 'string' };
  if (ts.isNumericLiteral(name)) return { name: name.text, nameKind: 'numeric' };
  return { name: name.getText(), nameKind: 'computed' };
}

/** Class declarations anywhere in a file (nested ones included), in source order. */
function classesIn(sf: ts.SourceFile): ts.ClassDeclaration[] {
  const out: ts.ClassDeclaration[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node)) out.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function hasMemberDecorators(decl: ts.ClassDeclaration): boolean {
  return decl.members.some((m) => ts.canHaveDecorators(m) && (ts.getDecorators(m)?.length ?? 0) > 0);
}
