// Writes parquet fixtures with an independent writer (arrow-rs, through
// the parquet-wasm npm package) and the same rows as JSON Lines, so the Go
// tests check the parquet reader against files it did not write, shaped
// like pyarrow's: nullable columns, 3-level LIST<utf8>, dictionary pages,
// snappy, several row groups, data page v1 and v2.
//
// Regenerate (needs node and npm; CI uses the committed outputs):
//   cd datasets/testdata/arrow && npm install --no-save parquet-wasm@0.8.0 apache-arrow@21.2.0 && node gen.mjs
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import * as arrow from "apache-arrow";

const require = createRequire(import.meta.url);
const pq = require("parquet-wasm/node");

const utf8 = new arrow.Utf8();
const list = new arrow.List(new arrow.Field("item", new arrow.Utf8(), true));

function write(name, columns, rows, version) {
  const vecs = {};
  for (const [col, type] of columns) {
    vecs[col] = arrow.vectorFromArray(rows.map((r) => r[col]), type);
  }
  const table = new arrow.Table(vecs);
  const props = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression.SNAPPY)
    .setDictionaryEnabled(true)
    .setMaxRowGroupSize(4)
    .setDataPageSizeLimit(64)
    .setWriterVersion(version)
    .build();
  const bytes = pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(table, "stream")), props);
  writeFileSync(name + ".parquet", bytes);
  const replacer = (k, v) => (typeof v === "bigint" ? Number(v) : v);
  writeFileSync(name + ".jsonl", rows.map((r) => JSON.stringify(r, replacer) + "\n").join(""));
}

// JQaRA schema: three questions, passage 500 shared by two of them, an
// empty and a null answers list.
const jq = [];
const qs = [
  ["QA20QBIK-0002", "日本で一番長い川は何？", ["信濃川"]],
  ["QA20CAPR-0001", "日本最大の湖は？", []],
  ["QA20QBIK-0001", "坂東太郎と呼ばれる川は？", null],
];
const passages = {
  500: ["利根川", "利根川は流域面積が日本一の川で、坂東太郎とも呼ばれる。"],
  501: ["信濃川", "信濃川は長さ367キロメートルの日本一長い川である。"],
  502: ["琵琶湖", "琵琶湖は滋賀県にある日本最大の湖である。"],
  503: ["霞ヶ浦", "霞ヶ浦は日本で二番目に大きな湖である。"],
  504: ["石狩川", "石狩川は北海道を流れる川である。"],
};
const cands = [
  [[504, 0], [501, 1], [500, 0]],
  [[503, 0], [502, 1]],
  [[500, 1], [504, 0], [501, 0]],
];
qs.forEach(([id, q, answers], i) => {
  for (const [pid, label] of cands[i]) {
    jq.push({ q_id: id, question: q, passage_row_id: BigInt(pid), label: BigInt(label),
      title: passages[pid][0], text: passages[pid][1], answers });
  }
});
const jqCols = [["q_id", utf8], ["question", utf8], ["passage_row_id", new arrow.Int64()],
  ["label", new arrow.Int64()], ["title", utf8], ["text", utf8], ["answers", list]];
write("jqara_v1", jqCols, jq, pq.WriterVersion.V1);
write("jqara_v2", jqCols, jq, pq.WriterVersion.V2);

// JaCWIR schema: negatives of varying lengths (one empty) crossing pages
// and row groups; the collection has an extra column.
const docs = [];
for (let i = 0; i < 30; i++) {
  const id = "doc_id#" + (0x1000a0 + i).toString(16).padStart(12, "0");
  docs.push({ doc_id: id, title: "ページ" + i, description: "説明文" + i + "。".repeat(i % 4), link: "https://example.com/" + i });
}
const ev = [];
for (let q = 0; q < 7; q++) {
  const negatives = [];
  for (let k = 0; k < (q * 5) % 13; k++) negatives.push(docs[(q * 7 + k * 3 + 1) % 30].doc_id);
  ev.push({ query: "質問" + q + "について", positive: docs[(q * 11) % 30].doc_id, negatives });
}
write("jacwir_eval", [["query", utf8], ["positive", utf8], ["negatives", list]], ev, pq.WriterVersion.V1);
write("jacwir_collection", [["doc_id", utf8], ["title", utf8], ["description", utf8], ["link", utf8]], docs, pq.WriterVersion.V2);
