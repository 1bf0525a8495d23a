// --watch: restart an agent when a source file under its folder changes. One recursive
// fs.watch per folder; bursts of events (editors write several times) collapse into one
// restart after a short quiet period.
import { watch } from "node:fs";
import { join } from "node:path";

const IGNORED =
  /(^|[/\\])(node_modules|\.git|dist|build|coverage|logs)([/\\]|$)|\.(db|db-wal|db-shm|db-journal|log)$|~$/;

export function isWatchedChange(relativePath: string): boolean {
  return !IGNORED.test(relativePath);
}

/** Calls `onChange` with the changed file at most once per quiet `debounceMs`; returns a closer. */
export function watchTree(root: string, onChange: (file: string) => void, debounceMs = 250): () => void {
  let timer: NodeJS.Timeout | undefined;
  let last = "";
  const watcher = watch(root, { recursive: true }, (_event, filename) => {
    if (!filename || !isWatchedChange(filename)) return;
    last = join(root, filename);
    clearTimeout(timer);
    timer = setTimeout(() => onChange(last), debounceMs);
  });
  watcher.on("error", () => {
    // A folder that disappears stops the watch; the agent keeps running.
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
