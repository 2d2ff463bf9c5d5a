/**
 * Builds generated source line by line: owns indentation so emitters never hand-count spaces,
 * and always ends with exactly one newline so output is byte-stable.
 */
export class Printer {
  private lines: string[] = [];
  private depth = 0;

  line(text = ''): this {
    this.lines.push(text === '' ? '' : '  '.repeat(this.depth) + text);
    return this;
  }

  lines_(texts: readonly string[]): this {
    for (const t of texts) this.line(t);
    return this;
  }

  /** `head {`, the body indented, then `}` (or `tail`). */
  block(head: string, body: () => void, tail = '}'): this {
    this.line(head === '' ? '{' : `${head} {`);
    this.depth++;
    body();
    this.depth--;
    this.line(tail);
    return this;
  }

  toString(): string {
    return this.lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  }
}

/** An exact, round-tripping literal for a number constant. */
export function num(x: number): string {
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/** A JS string literal. */
export function str(s: string): string {
  return JSON.stringify(s);
}
