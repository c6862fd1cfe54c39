/** `v1-candidate` -> `V1Candidate`: stable construct ids from names such as aliases, stages and paths. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
