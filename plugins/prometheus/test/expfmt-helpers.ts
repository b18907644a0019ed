// Test helpers for the exposition parsers: run a parser to the end and collect what it saw.
import { type ExpositionParser, ParseError } from "../src/expfmt/index.js";

export interface Collected {
  samples: { key: string; labels: Record<string, string>; value: number; ts: number | undefined }[];
  help: Record<string, string>;
  types: Record<string, string>;
  units: Record<string, string>;
  comments: number;
  exemplars: { key: string; labels: Record<string, string>; value: number; ts: number | undefined }[];
  histograms: { key: string; labels: Record<string, string>; count: number; sum: number; schema: number }[];
  created: Record<string, number>;
}

const obj = (l: readonly string[]) => {
  const o: Record<string, string> = {};
  for (let i = 0; i < l.length; i += 2) o[l[i] as string] = l[i + 1] as string;
  return o;
};

export function collect(p: ExpositionParser): Collected {
  const c: Collected = {
    samples: [],
    help: {},
    types: {},
    units: {},
    comments: 0,
    exemplars: [],
    histograms: [],
    created: {},
  };
  for (let e = p.next(); e !== "eof"; e = p.next()) {
    switch (e) {
      case "series": {
        const key = p.seriesKey();
        c.samples.push({ key, labels: obj(p.labels()), value: p.value(), ts: p.timestamp() });
        const ex = p.exemplar();
        if (ex) c.exemplars.push({ key, labels: obj(ex.labels), value: ex.value, ts: ex.timestamp });
        const ct = p.createdTimestamp();
        if (ct !== undefined) c.created[key] = ct;
        break;
      }
      case "histogram": {
        const h = p.histogram();
        c.histograms.push({
          key: p.seriesKey(),
          labels: obj(p.labels()),
          count: h.count,
          sum: h.sum,
          schema: h.schema,
        });
        const ex = p.exemplar();
        if (ex) c.exemplars.push({ key: p.seriesKey(), labels: obj(ex.labels), value: ex.value, ts: ex.timestamp });
        break;
      }
      case "help":
        c.help[p.metricFamily()] = p.help();
        break;
      case "type":
        c.types[p.metricFamily()] = p.metricType();
        break;
      case "unit":
        c.units[p.metricFamily()] = p.unit();
        break;
      case "comment":
        c.comments++;
        break;
    }
  }
  return c;
}

/** The ParseError a parse throws, or undefined when it parses. */
export function parseFailure(run: () => unknown): ParseError | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
}
