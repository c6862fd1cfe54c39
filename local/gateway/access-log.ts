/** A `$context` variable's value in an access log; `undefined`, `null` and `''` print as `-`. */
export type LogValue = string | number | boolean | null | undefined;

/**
 * Renders a stage's `AccessLogSetting.Format`: every `$context.<name>` is replaced by the variable's value, and a
 * variable without a value (unknown to the local gateway, or not set for this request, such as
 * `$context.integrationErrorMessage` of a successful call) prints as `-`, as in API Gateway's access logs.
 *
 * When a dotted name is not a variable but a shorter prefix is (`$context.requestId.` before literal text), the
 * prefix is the variable and the rest stays text.
 */
export function renderAccessLog(format: string, variables: ReadonlyMap<string, LogValue>): string {
  return format.replace(/\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g, (_token, name: string) => {
    const parts = name.split('.');
    for (let length = parts.length; length > 0; length--) {
      const candidate = parts.slice(0, length).join('.');
      if (variables.has(candidate)) {
        const rest = parts.slice(length).join('.');
        return printable(variables.get(candidate)) + (rest === '' ? '' : `.${rest}`);
      }
    }
    return '-';
  });
}

function printable(value: LogValue): string {
  return value === undefined || value === null || value === '' ? '-' : String(value);
}
