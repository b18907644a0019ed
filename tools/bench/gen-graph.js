// Generates a configuration of N components built only from first-party components
// (local.file and local.file_match) with real references between them, plus the
// files they read. Components form chains: the head of each chain reads a file
// whose content is the path of the next file, and every later link's filename is
// the previous link's `content` export. Every fifth chain ends in a
// local.file_match whose glob comes from the previous link's content. So loading
// the graph evaluates in dependency order and every component does real I/O.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @param {{ components?: number, chainLength?: number, dir: string, detector?: "fsnotify" | "poll" }} opts
 * @returns {{ text: string, components: number, changedId: string, variant(n: number): string }}
 */
export function generateGraph({ components = 1000, chainLength = 10, dir, detector = "fsnotify" }) {
  const chains = Math.ceil(components / chainLength);
  const blocks = [];
  let count = 0;
  for (let c = 0; c < chains && count < components; c++) {
    const chainDir = join(dir, `chain${c}`);
    mkdirSync(chainDir, { recursive: true });
    const length = Math.min(chainLength, components - count);
    const endsInMatch = c % 5 === 4 && length > 1;
    for (let k = 0; k < length; k++) {
      const label = `c${c}_${k}`;
      const isLast = k === length - 1;
      if (isLast && endsInMatch) {
        blocks.push(
          `local.file_match "${label}" {\n` +
            `  path_targets = [{"__path__" = local.file.c${c}_${k - 1}.content, "chain" = "${c}"}]\n` +
            `  sync_period  = "1m"\n` +
            `}\n`,
        );
        count++;
        continue;
      }
      // What this link's file holds: the next link's file, or (before a
      // local.file_match) the glob it will expand.
      const nextIsMatch = endsInMatch && k === length - 2;
      const content = nextIsMatch ? join(chainDir, "*.txt") : join(chainDir, `f${k + 1}.txt`);
      writeFileSync(join(chainDir, `f${k}.txt`), content);
      const filename = k === 0 ? JSON.stringify(join(chainDir, "f0.txt")) : `local.file.c${c}_${k - 1}.content`;
      blocks.push(
        `local.file "${label}" {\n` +
          `  filename       = ${filename}\n` +
          `  detector       = "${detector}"\n` +
          `  poll_frequency = "1m"\n` +
          `}\n`,
      );
      count++;
    }
  }
  const text = blocks.join("\n");
  // The reload benchmark changes exactly one argument of one component: the poll
  // frequency of the first chain's head, alternating between two values.
  const head = `local.file "c0_0" {`;
  const at = text.indexOf(head);
  const pollAt = text.indexOf(`poll_frequency = "1m"`, at);
  const variant = (n) =>
    n % 2 === 0
      ? text
      : `${text.slice(0, pollAt)}poll_frequency = "2m"${text.slice(pollAt + `poll_frequency = "1m"`.length)}`;
  return { text, components: count, changedId: "local.file.c0_0", variant };
}
