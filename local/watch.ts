import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a CDK project's synth depends on: its source folders... */
export const WATCHED_FOLDERS: readonly string[] = ['bin', 'lib', 'lambda'];
/** ...and its context. */
export const WATCHED_FILES: readonly string[] = ['cdk.json'];

/** What {@link watchProject} watches and whom it tells. */
export interface WatchOptions {
  readonly projectDir: string;
  /**
   * Folders watched recursively, relative to the project.
   *
   * @default WATCHED_FOLDERS
   */
  readonly folders?: readonly string[];
  /**
   * Files directly in the project watched too.
   *
   * @default WATCHED_FILES
   */
  readonly files?: readonly string[];
  /**
   * Quiet time after the last change before `onChange` fires, so a save of many files is one reload.
   *
   * @default 300
   */
  readonly debounceMs?: number;
  /** Called once per burst of changes, with the changed paths relative to the project, sorted. */
  readonly onChange: (changed: readonly string[]) => void;
}

/** A running watcher. */
export interface ProjectWatcher {
  close(): void;
}

// editor swap and backup files, and vim's write probe
const IGNORED = /(^|\/)(\.#.*|.*~|.*\.sw[a-p]x?|4913)$/;

/**
 * Watches a CDK project's sources (`fs.watch`, recursive) and reports each burst of changes once.
 * Folders that do not exist are skipped.
 */
export function watchProject(options: WatchOptions): ProjectWatcher {
  const { projectDir, debounceMs = 300 } = options;
  const files = new Set(options.files ?? WATCHED_FILES);
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const note = (relative: string) => {
    if (IGNORED.test(relative)) {
      return;
    }
    pending.add(relative);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changed = [...pending].sort();
      pending.clear();
      options.onChange(changed);
    }, debounceMs);
  };
  const watchers: fs.FSWatcher[] = [];
  for (const folder of options.folders ?? WATCHED_FOLDERS) {
    const dir = path.join(projectDir, folder);
    if (!fs.existsSync(dir)) {
      continue;
    }
    watchers.push(
      fs.watch(dir, { recursive: true }, (_event, filename) => {
        note(filename === null ? folder : path.posix.join(folder, filename.split(path.sep).join('/')));
      }),
    );
  }
  if (files.size > 0) {
    // the project folder rather than each file: editors replace a file on save, which ends a watch on it
    watchers.push(
      fs.watch(projectDir, (_event, filename) => {
        if (filename !== null && files.has(filename)) {
          note(filename);
        }
      }),
    );
  }
  for (const watcher of watchers) {
    // a watched folder removed: the other watchers carry on
    watcher.on('error', () => watcher.close());
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) {
        watcher.close();
      }
    },
  };
}
