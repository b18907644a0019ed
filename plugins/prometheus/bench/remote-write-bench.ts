// Remote write encode cost: ns per sample to build WriteRequests (one TimeSeries per
// sample, label fields cached per series, as the queue does) and snappy-compress them,
// plus the WAL append and the receive side decode.
// Run: node plugins/prometheus/dist/bench/remote-write-bench.js [series=100000] [rounds=5]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labelsFromObject, MetricsBatchBuilder } from "@ingot/sdk";
import { compressSync, uncompressSync } from "snappy";
import { encodeLabelFields, ProtoWriter, WriteRequestDecoder, writeSampleSeries } from "../src/prompb/index.js";
import { Wal } from "../src/remote-write/wal.js";

const SERIES = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const PER_SEND = 2000;

const builder = new MetricsBatchBuilder();
const fields: Uint8Array[] = [];
for (let i = 0; i < SERIES; i++) {
  const l = labelsFromObject({
    __name__: `node_metric_${i % 500}_total`,
    instance: `host-${i % 100}.example.com:9100`,
    job: "node",
    cpu: String(i % 64),
    mode: ["idle", "user", "system", "iowait"][i % 4] as string,
  });
  builder.addLabels(l, 0, 0);
  fields.push(encodeLabelFields(l, ["cluster", "prod"]));
}
const batch = builder.build();
const words = new Uint32Array(batch.values.buffer, batch.values.byteOffset, SERIES * 2);
const w = new ProtoWriter(1 << 20);
let bytesRaw = 0;
let bytesSnappy = 0;

function round(t: number, compress: boolean): void {
  for (let s = 0; s < SERIES; s += PER_SEND) {
    w.reset();
    const e = Math.min(SERIES, s + PER_SEND);
    for (let i = s; i < e; i++) {
      batch.values[i] = Math.random() * 1000;
      writeSampleSeries(w, fields[i] as Uint8Array, t, words[2 * i] as number, words[2 * i + 1] as number);
    }
    bytesRaw += w.pos;
    if (compress) bytesSnappy += compressSync(w.bytes()).length;
  }
}

function time(name: string, f: (k: number) => void, samples: number): void {
  f(-1); // warm up
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < ROUNDS; k++) f(k);
  const ns = Number(process.hrtime.bigint() - t0);
  console.log(`${name.padEnd(34)} ${(ns / (ROUNDS * samples)).toFixed(1).padStart(7)} ns/sample`);
}

const T = Date.now();
time("encode (protobuf only)", (k) => round(T + k * 1000, false), SERIES);
bytesRaw = 0;
time("encode + snappy", (k) => round(T + k * 1000, true), SERIES);
console.log(
  `  bytes/sample: ${(bytesRaw / ((ROUNDS + 1) * SERIES)).toFixed(1)} raw, ${(bytesSnappy / ((ROUNDS + 1) * SERIES)).toFixed(1)} snappy`,
);

const dir = mkdtempSync(join(tmpdir(), "ingot-wal-bench-"));
const wal = new Wal({ dir, syncIntervalMs: 1000 });
wal.open();
const tsArr = batch.timestamps;
time(
  "WAL append (write(2), no fsync wait)",
  (k) => {
    tsArr.fill(T + k * 1000);
    wal.append(batch);
  },
  SERIES,
);
wal.close();
rmSync(dir, { recursive: true, force: true });

// Receive side: decode a 2000-sample request repeatedly (series cached after the first).
w.reset();
for (let i = 0; i < PER_SEND; i++)
  writeSampleSeries(w, fields[i] as Uint8Array, T, words[2 * i] as number, words[2 * i + 1] as number);
const body = compressSync(w.bytes());
const dec = new WriteRequestDecoder();
const rb = new MetricsBatchBuilder();
time(
  "receive: snappy + decode (cached)",
  () => {
    for (let r = 0; r < 50; r++) {
      rb.reset();
      dec.decode(uncompressSync(body, { asBuffer: true }) as Buffer, rb);
    }
  },
  PER_SEND * 50,
);
