/** Which dialect of JSON Schema a model becomes: OpenAPI 3.0's Schema Object or Swagger 2.0's. */
export type SchemaDialect = 'oas30' | 'swagger';

/** Where a document keeps its models, by dialect. */
export const SCHEMA_REF_PREFIX: Readonly<Record<SchemaDialect, string>> = {
  oas30: '#/components/schemas/',
  swagger: '#/definitions/',
};

/** API Gateway's way for one model to name another: `https://apigateway.amazonaws.com/restapis/<id>/models/<name>`. */
const MODEL_URL = /^https:\/\/apigateway\.amazonaws\.com\/restapis\/[^/]+\/models\/([^/#]+)(#.*)?$/;

/** Keywords of draft-04 that neither OpenAPI 3.0 nor Swagger 2.0 schema objects allow: dropped, with a warning. */
const UNSUPPORTED_KEYWORDS = ['patternProperties', 'dependencies', 'additionalItems', 'examples'];
/** Metadata of a JSON Schema document that means nothing inside an OpenAPI document: dropped silently. */
const DOCUMENT_KEYWORDS = ['$schema', 'id', '$id'];
/** Keywords whose value is a schema. */
const SCHEMA_KEYWORDS = ['not', 'additionalProperties'];
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf'];

/** One API Gateway model as the export writes it, with the schemas hoisted from its `definitions`. */
export interface ConvertedModel {
  /** Component name → schema: the model itself under its name, and `<model>.<definition>` for each definition. */
  readonly schemas: ReadonlyMap<string, unknown>;
  /** One line per keyword the dialect cannot express, naming the model and the keyword's JSON pointer. */
  readonly warnings: readonly string[];
}

/**
 * Converts one API Gateway model (JSON Schema draft-04) into the schema objects of an OpenAPI 3.0 or Swagger 2.0
 * document, where the two differ:
 *
 * - `$schema` and `id` are dropped; `definitions` become components of their own (`<model>.<name>`), and
 *   `#/definitions/<name>` references point at them;
 * - a reference to another model by its API Gateway URL (`https://apigateway.amazonaws.com/restapis/<id>/models/<name>`)
 *   points at that model's component;
 * - a list of types becomes `nullable: true` (Swagger: `x-nullable`) for `"null"`, and `anyOf` for several others
 *   (Swagger 2.0 has no `anyOf`: the type is dropped, with a warning);
 * - `const` becomes a one-value `enum`; a tuple `items` list becomes `anyOf` its schemas;
 * - `patternProperties`, `dependencies`, `additionalItems` (and Swagger 2.0's missing `anyOf`, `oneOf`, `not`) are
 *   dropped, with a warning: such a document validates fewer bodies than the gateway refuses.
 */
export function convertModel(name: string, schema: unknown, dialect: SchemaDialect): ConvertedModel {
  const warnings: string[] = [];
  const schemas = new Map<string, unknown>();
  const prefix = SCHEMA_REF_PREFIX[dialect];
  const convert = (value: unknown, pointer: string): unknown => {
    if (!isRecord(value)) {
      return value;
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const at = `${pointer}/${key}`;
      if (DOCUMENT_KEYWORDS.includes(key) || (key === 'definitions' && pointer === '')) {
        continue;
      }
      if (UNSUPPORTED_KEYWORDS.includes(key)) {
        warnings.push(`model ${name}: ${at} (${key}) has no equivalent in ${DIALECT_NAMES[dialect]}: dropped`);
      } else if (key === '$ref' && typeof child === 'string') {
        out.$ref = reference(child, name, prefix);
      } else if (key === 'type' && Array.isArray(child)) {
        Object.assign(
          out,
          typeList(child as unknown[], dialect, () => warnings.push(dropped(name, at, dialect))),
        );
      } else if (key === 'const') {
        out.enum = [child];
      } else if (key === 'properties' && isRecord(child)) {
        out.properties = Object.fromEntries(
          Object.entries(child).map(([property, sub]) => [property, convert(sub, `${at}/${property}`)]),
        );
      } else if (key === 'items') {
        out.items = Array.isArray(child)
          ? dialect === 'oas30'
            ? { anyOf: child.map((sub, index) => convert(sub, `${at}/${index}`)) }
            : (warnings.push(dropped(name, at, dialect)), {})
          : convert(child, at);
      } else if (SCHEMA_KEYWORDS.includes(key) || SCHEMA_LIST_KEYWORDS.includes(key)) {
        if (dialect === 'swagger' && key !== 'allOf' && key !== 'additionalProperties') {
          warnings.push(dropped(name, at, dialect));
          continue;
        }
        out[key] = Array.isArray(child)
          ? child.map((sub, index) => convert(sub, `${at}/${index}`))
          : convert(child, at);
      } else {
        out[key] = child;
      }
    }
    return out;
  };
  schemas.set(name, convert(schema, ''));
  const definitions = isRecord(schema) && isRecord(schema.definitions) ? schema.definitions : {};
  for (const [definition, sub] of Object.entries(definitions)) {
    schemas.set(`${name}.${definition}`, convert(sub, `/definitions/${definition}`));
  }
  return { schemas, warnings };
}

const DIALECT_NAMES: Readonly<Record<SchemaDialect, string>> = { oas30: 'OpenAPI 3.0', swagger: 'Swagger 2.0' };

function dropped(model: string, pointer: string, dialect: SchemaDialect): string {
  return `model ${model}: ${pointer} has no equivalent in ${DIALECT_NAMES[dialect]}: dropped`;
}

function reference(ref: string, model: string, prefix: string): string {
  const byUrl = MODEL_URL.exec(ref);
  if (byUrl !== null) {
    const [, target, fragment] = byUrl;
    const definition = /^#\/definitions\/(.+)$/.exec(fragment ?? '');
    return `${prefix}${target}${definition === null ? '' : `.${definition[1]}`}`;
  }
  const local = /^#\/definitions\/(.+)$/.exec(ref);
  if (local !== null) {
    return `${prefix}${model}.${local[1]}`;
  }
  return ref === '#' ? `${prefix}${model}` : ref;
}

function typeList(types: readonly unknown[], dialect: SchemaDialect, warn: () => void): Record<string, unknown> {
  const nullable = types.includes('null');
  const others = types.filter((type) => type !== 'null');
  const nullability = nullable ? { [dialect === 'oas30' ? 'nullable' : 'x-nullable']: true } : {};
  if (others.length === 1) {
    return { type: others[0], ...nullability };
  }
  if (others.length === 0) {
    return nullability;
  }
  if (dialect === 'swagger') {
    warn();
    return nullability;
  }
  return { anyOf: others.map((type) => ({ type })), ...nullability };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
