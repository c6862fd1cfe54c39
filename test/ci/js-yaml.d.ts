// js-yaml comes with jest (@istanbuljs/load-nyc-config) and ships no types: the little the workflow tests use
declare module 'js-yaml' {
  export const JSON_SCHEMA: unknown;
  export function load(source: string, options?: { schema?: unknown }): unknown;
}
