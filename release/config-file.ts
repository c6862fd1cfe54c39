import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FormattingOptions, JSONPath, ParseError } from 'jsonc-parser';
import { applyEdits, modify, parse, printParseErrorCode } from 'jsonc-parser';
import { FileLockTimeoutError, withFileLock } from '../common/file-lock';
import type { AppConfig, StageName } from '../lib/config';
import { CONFIG_CONTEXT_KEY, ConfigError, parseConfig } from '../lib/config';
import { ReleaseError } from './errors';

/** A `cdk.json` as read from disk: its exact text, and the config it holds for one deployment environment. */
export interface ConfigFile {
  /** Where the file is. */
  readonly path: string;
  /** How messages name it, e.g. `cdk.json`. */
  readonly label: string;
  /** The exact text, to edit in place. */
  readonly text: string;
  /** The deployment environment whose releases are read and edited. */
  readonly environmentName: string;
  /** The `api` context value, parsed and validated by the app's own {@link parseConfig}. */
  readonly config: AppConfig;
}

/** One value to set under `api.environments.<env>.releases.<stage>`; `undefined` removes the key. */
export interface ReleaseEdit {
  /** Path below the stage's release block, e.g. `['versions', 'hello']` or `['previous']`. */
  readonly path: JSONPath;
  readonly value: unknown;
}

/** The JSON path of a stage's release block inside `cdk.json`. */
export function releasePath(environmentName: string, stage: StageName): JSONPath {
  return ['context', CONFIG_CONTEXT_KEY, 'environments', environmentName, 'releases', stage];
}

/**
 * Reads `cdk.json` and validates its config exactly as `bin/app.ts` does.
 *
 * @param label how messages name the file
 *
 * @throws ReleaseError when the file is missing, is not JSON, or holds a config `parseConfig` refuses
 */
export function readConfigFile(file: string, environmentName: string, label: string = file): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ReleaseError(`no ${label}: run from the project root or pass --config PATH`);
    }
    throw new ReleaseError(`cannot read ${label}: ${(error as Error).message}`);
  }
  try {
    return { path: file, label, text, environmentName, config: validate(label, text, environmentName) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ReleaseError(`${label}: ${error.message}`);
  }
}

/**
 * The text of `cdk.json` with the edits applied to one stage's release block, formatting kept: only the edited
 * values change, new keys are indented like the file. The result is validated by `parseConfig` before anything
 * is written.
 *
 * @throws ReleaseError with `parseConfig`'s message when the result would be refused
 */
export function editRelease(file: ConfigFile, stage: StageName, edits: readonly ReleaseEdit[]): string {
  const base = releasePath(file.environmentName, stage);
  const formattingOptions = formattingOf(file.text);
  let text = file.text;
  for (const edit of edits) {
    text = applyEdits(text, modify(text, [...base, ...edit.path], edit.value, { formattingOptions }));
  }
  try {
    validate(file.label, text, file.environmentName);
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof ReleaseError)) throw error;
    throw new ReleaseError(`refused, ${file.label} is unchanged: the change would make it invalid: ${error.message}`);
  }
  return text;
}

/** The raw (unparsed) release block of a stage in a `cdk.json` text, for showing what changed. */
export function rawRelease(text: string, environmentName: string, stage: StageName): unknown {
  let node: unknown = parse(text);
  for (const key of releasePath(environmentName, stage)) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

/**
 * Runs `action` (a whole read-modify-write of `cdk.json`) while holding an exclusive lock beside the file,
 * `.cdk.json.lock`, so that release commands run at once take turns and none overwrites another's edit.
 *
 * @param label how messages name the file
 *
 * @throws ReleaseError when another command holds the lock for 30 s, or the lock cannot be created
 */
export async function withConfigLock<T>(file: string, label: string, action: () => Promise<T>): Promise<T> {
  let target: string;
  try {
    target = fs.realpathSync(file);
  } catch {
    // a missing file is reported by the read, with its own message; there is nothing to edit
    return action();
  }
  const lockFile = path.join(path.dirname(target), `.${path.basename(target)}.lock`);
  let locked = false;
  try {
    return await withFileLock(lockFile, () => {
      locked = true;
      return action();
    });
  } catch (error) {
    if (error instanceof FileLockTimeoutError) {
      throw new ReleaseError(`${error.message}: another release command is editing ${label}; if none is, delete it`);
    }
    if (!locked && (error as NodeJS.ErrnoException).code !== undefined) {
      throw new ReleaseError(`cannot lock ${label} (${lockFile}): ${(error as Error).message}`);
    }
    throw error;
  }
}

/**
 * Writes the edited text over `cdk.json`, unless the file changed since it was read (an editor's save while AWS was
 * being asked, say): that change would be lost, so nothing is written. A read-only file is refused: replacing it
 * would undo whatever made it read-only.
 *
 * @throws ReleaseError when the file changed, is read-only, or cannot be written
 */
export function saveConfigFile(file: ConfigFile, text: string): void {
  if (isReadOnly(file.path)) {
    throw new ReleaseError(
      `${file.label} is read-only; nothing written: make it writable (chmod u+w ${file.label}) to release`,
    );
  }
  let now: string | undefined;
  try {
    now = fs.readFileSync(file.path, 'utf8');
  } catch {
    now = undefined;
  }
  if (now !== file.text) {
    throw new ReleaseError(`${file.label} changed while the command ran; nothing written: run the command again`);
  }
  writeAtomically(file.path, text);
}

/**
 * Replaces the file's content in one step: a temporary file in the same directory, renamed over the original, so
 * a crash or a full disk never leaves half a `cdk.json`. Keeps the file's mode; writes through a symbolic link.
 */
export function writeAtomically(file: string, text: string): void {
  const target = fs.realpathSync(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(temp, text, { mode: fs.statSync(target).mode });
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new ReleaseError(`cannot write ${file}: ${(error as Error).message}`);
  }
}

// the write bits and access() both: root may write anything, yet a file with no write bit is meant to stay as is
function isReadOnly(file: string): boolean {
  try {
    if ((fs.statSync(file).mode & 0o222) === 0) return true;
    fs.accessSync(file, fs.constants.W_OK);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EACCES' || (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Parses the text and its config; throws ReleaseError for text that is not JSON, ConfigError for a bad config. */
function validate(file: string, text: string, environmentName: string): AppConfig {
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const [first] = errors;
  if (first) {
    const before = text.slice(0, first.offset).split('\n');
    throw new ReleaseError(
      `${file} is not valid JSON: ${printParseErrorCode(first.error)} at line ${before.length}, ` +
        `column ${before.at(-1)!.length + 1}`,
    );
  }
  const context = json && typeof json === 'object' ? (json as Record<string, unknown>).context : undefined;
  const raw =
    context && typeof context === 'object' ? (context as Record<string, unknown>)[CONFIG_CONTEXT_KEY] : undefined;
  return parseConfig(raw, environmentName);
}

/** The indentation and line ending the file already uses, so inserted keys look like their neighbours. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: indent.length, eol };
}
