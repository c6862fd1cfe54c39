// the gateway serializes an event to check it against the payload limit, and the Lambda service serializes it again
// to post it to a worker: remembering the text per object makes that one serialization
const texts = new WeakMap<object, string>();

/**
 * An Invoke payload's JSON text (`null` for `undefined`), serialized once per object: a second call with the same
 * object answers the same text, so the object must not change once serialized. The gateway and the local Lambda
 * service both call it for the same event.
 *
 * @throws TypeError when the payload is not JSON-serializable (a cycle, a BigInt, a function)
 */
export function payloadText(payload: unknown): string {
  const memoizable = typeof payload === 'object' && payload !== null;
  if (memoizable) {
    const known = texts.get(payload);
    if (known !== undefined) return known;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(payload === undefined ? null : payload);
  } catch (error) {
    throw new TypeError(`an Invoke payload must be JSON-serializable: ${(error as Error).message}`);
  }
  if (text === undefined) {
    throw new TypeError(`an Invoke payload must be JSON-serializable, got a ${typeof payload}`);
  }
  if (memoizable) texts.set(payload, text);
  return text;
}
