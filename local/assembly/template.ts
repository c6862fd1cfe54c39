/** A CloudFormation template as the assembly holds it: JSON, every value still unresolved. */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Parameters?: Readonly<Record<string, CfnParameter>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, unknown>>;
  readonly Outputs?: Readonly<Record<string, unknown>>;
  readonly Transform?: unknown;
}

/** One entry of the template's `Resources`. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Condition?: string;
  readonly DependsOn?: string | readonly string[];
}

/** One entry of the template's `Parameters`. */
export interface CfnParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the shape of a parsed template file just enough for the rest of the reader to trust it.
 *
 * @param source the file, for the error message
 * @returns the template
 * @throws Error naming the file and what is wrong
 */
export function asTemplate(value: unknown, source: string): CfnTemplate {
  if (!isRecord(value)) {
    throw new Error(`${source} is not a CloudFormation template: expected a JSON object`);
  }
  const resources = value.Resources;
  if (!isRecord(resources)) {
    throw new Error(`${source} is not a CloudFormation template: it has no Resources object`);
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isRecord(resource) || typeof resource.Type !== 'string') {
      throw new Error(`${source}: resource ${logicalId} has no Type`);
    }
    if (resource.Properties !== undefined && !isRecord(resource.Properties)) {
      throw new Error(`${source}: resource ${logicalId} has Properties that are not an object`);
    }
  }
  for (const section of ['Parameters', 'Conditions', 'Mappings'] as const) {
    if (value[section] !== undefined && !isRecord(value[section])) {
      throw new Error(`${source}: ${section} is not an object`);
    }
  }
  return value as unknown as CfnTemplate;
}
