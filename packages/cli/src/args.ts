// A small command-line flag parser with the behaviour of spf13/pflag (which Alloy's
// CLI uses): `-w`, `--write`, `--write=false`, grouped shorthands (`-wt`), string flags
// as `--name value`, `--name=value`, `-n value` or `-nvalue`, flags anywhere among the
// positional arguments, `--` ending the flags, and `-` as a positional argument.
// String-slice flags (pflag's StringSlice) may be repeated and take comma-separated
// values; they collect into an array.
// Error messages follow pflag's wording.

export interface FlagSpec {
  name: string;
  short?: string;
  type: "bool" | "string" | "stringSlice";
  usage: string;
  /** Placeholder for string flags in help output. */
  valueName?: string;
  default?: string;
}

export interface ParsedArgs {
  flags: Map<string, string | boolean | string[]>;
  positionals: string[];
}

export class UsageError extends Error {
  override name = "UsageError";
}

function parseBool(s: string): boolean | undefined {
  switch (s) {
    case "1":
    case "t":
    case "T":
    case "true":
    case "TRUE":
    case "True":
      return true;
    case "0":
    case "f":
    case "F":
    case "false":
    case "FALSE":
    case "False":
      return false;
    default:
      return undefined;
  }
}

function flagTitle(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const flags = new Map<string, string | boolean | string[]>();
  const positionals: string[] = [];

  const setValue = (spec: FlagSpec, raw: string | undefined, shown: string): void => {
    if (spec.type === "bool") {
      if (raw === undefined) {
        flags.set(spec.name, true);
        return;
      }
      const b = parseBool(raw);
      if (b === undefined) {
        throw new UsageError(
          `invalid argument ${JSON.stringify(raw)} for ${JSON.stringify(flagTitle(spec))} flag: ` +
            `strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`,
        );
      }
      flags.set(spec.name, b);
      return;
    }
    if (raw === undefined) throw new UsageError(`flag needs an argument: ${shown}`);
    if (spec.type === "stringSlice") {
      const prev = flags.get(spec.name);
      const list = Array.isArray(prev) ? prev : [];
      if (raw !== "") list.push(...raw.split(","));
      flags.set(spec.name, list);
      return;
    }
    flags.set(spec.name, raw);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
      if (value === undefined && spec.type !== "bool" && i + 1 < argv.length) value = argv[++i];
      setValue(spec, value, `--${name}`);
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // One or more shorthands: -w, -wt, -t=false, -nvalue, -n value.
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j] as string;
        const spec = byShort.get(ch);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${ch}' in ${arg}`);
        if (arg[j + 1] === "=") {
          setValue(spec, arg.slice(j + 2), `'${ch}' in ${arg}`);
          break;
        }
        if (spec.type !== "bool") {
          let value: string | undefined = arg.slice(j + 1);
          if (value === "") value = i + 1 < argv.length ? argv[++i] : undefined;
          setValue(spec, value, `'${ch}' in ${arg}`);
          break;
        }
        setValue(spec, undefined, `'${ch}' in ${arg}`);
      }
      continue;
    }
    positionals.push(arg);
  }
  return { flags, positionals };
}

/** The "Flags:" section of a command's help. */
export function flagsHelp(specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    let left = s.short ? `  -${s.short}, --${s.name}` : `      --${s.name}`;
    if (s.type === "string") left += ` ${s.valueName ?? "string"}`;
    if (s.type === "stringSlice") left += ` ${s.valueName ?? "strings"}`;
    let right = s.usage;
    if (s.default !== undefined) right += ` (default ${JSON.stringify(s.default)})`;
    return [left, right] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `${l.padEnd(width)}   ${r}\n`).join("");
}
