import ts from 'typescript';
import type { SourcePos } from '../ir/schema-ir.js';

/** 1-based line and column of the first token of `node` (not its leading trivia). */
export function posOf(node: ts.Node): SourcePos {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return { file: sf.fileName, line: line + 1, col: character + 1 };
}

/** Identity of a declaration within one read: file and offset, since names may repeat across files. */
export function declKey(node: ts.Node): string {
  const sf = node.getSourceFile();
  return `${sf.fileName}:${node.getStart(sf)}`;
}
