/**
 * The part of `@hanazuki/node-jsonnet` 2.1.0 we use, declared here because its `exports` map has no `types`
 * condition, so NodeNext resolution cannot find the package's own `types/index.d.ts`. Signatures copied from it.
 */
declare module '@hanazuki/node-jsonnet' {
  export class JsonnetError extends Error {}
  export class Jsonnet {
    static readonly version: string;
    constructor();
    maxStack(value: number): this;
    extString(key: string, value: string): this;
    addJpath(path: string): this;
    evaluateSnippet(snippet: string, filename?: string): Promise<string>;
  }
}
