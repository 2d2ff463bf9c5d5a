// TC39 decorator metadata: TypeScript only wires `context.metadata` when `Symbol.metadata`
// exists at class-definition time, and Node 20 lacks it. esbuild uses the same registered symbol.
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata');
export {};
