// Writes the Parquet test fixtures of tests/fixtures/parquet/ with two
// independent writers (DuckDB through @duckdb/node-api, and hyparquet-writer),
// plus the values every fixture must read back as (flows_expected.csv,
// types_expected.csv), a manifest (fixtures.csv) and README.md recording the
// writers' versions.
//
//   cd tools && npm ci && node gen_parquet_fixtures.mjs
//
// The data comes from a fixed-seed generator, so runs are reproducible.
// Expected values follow botrecon's conventions (io/parquet_reader.cc):
// numbers as doubles, TIMESTAMP/DATE as seconds since the Unix epoch, TIME as
// seconds since midnight, DECIMAL as unscaled / 10^scale, booleans 0/1, nulls
// as empty cells.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'tests', 'fixtures', 'parquet');
const kRows = 300;
const kRowGroup = 100;

// ---------------------------------------------------------------------------
// Deterministic data.

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20110810);
const pick = (list) => list[Math.floor(rand() * list.length)];
const maybeNull = (p, value) => (rand() < p ? null : value);
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const protos = ['tcp', 'udp', 'icmp', 'arp', 'ipv6-icmp', 'rtp'];
const states = ['CON', 'FSPA_FSPA', 'S_RA', 'INT', 'URP', '_FSA', 'SRPA_SPA', 'ECO', 'RSP'];
const dirs = ['  ->', ' <->', '  <-', '   ?>'];
const labels = [
  'flow=Background-UDP-Established',
  'flow=Background-TCP-Established',
  'flow=Background-Established-cmpgw-CVUT',
  'flow=From-Botnet-V42-UDP-DNS',
  'flow=From-Botnet-V42-TCP-Attempt',
  'flow=From-Normal-V42-Grill',
  'flow=To-Background-CVUT-Proxy',
];
const hosts = ['147.32.84.165', '147.32.84.191', '147.32.84.192', '147.32.80.9', '147.32.84.229'];
const ip = () => (rand() < 0.4 ? pick(hosts) : `${randInt(1, 223)}.${randInt(0, 255)}.${randInt(0, 255)}.${randInt(1, 254)}`);

// Flow-like rows. Doubles have at most 6 decimals so that every writer and
// reader agree on them exactly; integers that must be 64-bit exceed 2^32.
const flows = [];
for (let i = 0; i < kRows; ++i) {
  const totBytes = rand() < 0.05 ? 4294967296 * randInt(1, 3) + randInt(0, 99999) : randInt(60, 2000000);
  flows.push({
    StartTime: Math.round((1313000000 + i * 7.25 + rand()) * 1e6) / 1e6,
    Dur: maybeNull(0.03, Math.round(rand() * 3600 * 1e6) / 1e6),
    Proto: maybeNull(0.02, pick(protos)),
    SrcAddr: ip(),
    Sport: maybeNull(0.05, randInt(0, 65535)),
    Dir: pick(dirs),
    DstAddr: ip(),
    Dport: maybeNull(0.05, rand() < 0.5 ? pick([53, 80, 443, 6881, 13363]) : randInt(0, 65535)),
    State: maybeNull(0.03, pick(states)),
    TotPkts: randInt(1, 5000),
    TotBytes: totBytes,
    SrcBytes: maybeNull(0.04, Math.floor(totBytes / randInt(1, 4))),
    Label: pick(labels),
  });
}
// A whole row group of nulls in one column exercises all-null pages.
for (let i = 100; i < 200; ++i) flows[i].State = null;

const flowColumns = [
  ['StartTime', 'DOUBLE'],
  ['Dur', 'DOUBLE'],
  ['Proto', 'VARCHAR'],
  ['SrcAddr', 'VARCHAR'],
  ['Sport', 'INTEGER'],
  ['Dir', 'VARCHAR'],
  ['DstAddr', 'VARCHAR'],
  ['Dport', 'INTEGER'],
  ['State', 'VARCHAR'],
  ['TotPkts', 'INTEGER'],
  ['TotBytes', 'BIGINT'],
  ['SrcBytes', 'BIGINT'],
  ['Label', 'VARCHAR'],
];

// Rows of other Parquet types: [column, DuckDB type, SQL literal, expected double].
const typeColumns = ['flag', 'tiny', 'small', 'utiny', 'usmall', 'uint', 'ubig', 'real', 'dec9', 'dec18', 'dec30', 'ts_us', 'ts_ms', 'ts_ns', 'day', 'tod'];
const typeSql = ['BOOLEAN', 'TINYINT', 'SMALLINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'DECIMAL(9,2)', 'DECIMAL(18,4)', 'DECIMAL(30,5)', 'TIMESTAMP', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'DATE', 'TIME'];
const typeRows = [];
for (let i = 0; i < kRows; ++i) {
  const cells = [];
  const add = (sql, expected) => cells.push(rand() < 0.05 ? [null, null] : [sql, expected]);
  const flag = rand() < 0.5;
  add(flag ? 'true' : 'false', flag ? 1 : 0);
  const tiny = randInt(-128, 127);
  add(`${tiny}`, tiny);
  const small = randInt(-32768, 32767);
  add(`${small}`, small);
  const utiny = randInt(0, 255);
  add(`${utiny}`, utiny);
  const usmall = randInt(0, 65535);
  add(`${usmall}`, usmall);
  const uint = rand() < 0.3 ? 4294967295 - randInt(0, 1000) : randInt(0, 100000);  // above INT32_MAX too
  add(`${uint}`, uint);
  // Above INT64_MAX and exactly representable as a double.
  const ubig = rand() < 0.3 ? 2n ** 63n + BigInt(randInt(0, 1000)) * 2048n : BigInt(randInt(0, 1000000));
  add(`${ubig}`, Number(ubig));
  const real = Math.fround(randInt(-100000, 100000) / 64);  // exact in a float
  add(`${real}`, real);
  const dec9 = randInt(-99999999, 99999999);
  add(bigDecimal(BigInt(dec9), 2), dec9 / 100);
  const dec18 = randInt(-999999999, 999999999) * 1000 + randInt(0, 999);
  add(`${bigDecimal(BigInt(dec18), 4)}`, dec18 / 1e4);
  const dec30 = BigInt(randInt(-999999999, 999999999)) * 1000000n + BigInt(randInt(0, 999999));
  add(`${bigDecimal(dec30, 5)}`, Number(dec30) / 1e5);
  const us = 1313000000000000 + randInt(0, 999999999) * 1000 + randInt(0, 999);
  add(`make_timestamp(${us})`, us / 1e6);
  const ms = 1313000000000 + randInt(0, 999999999);
  add(`epoch_ms(${ms})::TIMESTAMP_MS`, ms / 1e3);
  const ns = 1313000000000000000n + BigInt(randInt(0, 999999999)) * 1000n;
  add(`make_timestamp_ns(${ns})`, Number(ns) / 1e9);
  const day = randInt(-1000, 20000);
  add(`DATE '1970-01-01' + ${day}`, day * 86400);
  const us_of_day = randInt(0, 86399999) * 1000;
  add(`TIME '00:00:00' + to_microseconds(${us_of_day})`, us_of_day / 1e6);
  typeRows.push(cells);
}

function bigDecimal(unscaled, scale) {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

// ---------------------------------------------------------------------------
// Expected values as CSV (no value contains a comma or a quote).

function formatCell(value) {
  if (value === null || value === undefined) return '';
  return String(value);
}
function writeCsv(path, header, rows) {
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.map(formatCell).join(','))].join('\n') + '\n');
}

// ---------------------------------------------------------------------------
// DuckDB.

// Doubles go through DuckDB's string-to-double parser (a bare literal would be a DECIMAL first).
const sqlValue = (v, type) =>
  v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : type === 'DOUBLE' ? `'${v}'::DOUBLE` : String(v);

async function writeDuckDb(manifest) {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const version = (await c.runAndReadAll('SELECT version()')).getRows()[0][0];
  await c.run('SET threads = 1');  // with UNION ALL below: one row group per branch, in order
  await c.run(`CREATE TABLE flows (rowid_ INTEGER, ${flowColumns.map(([n, t]) => `"${n}" ${t}`).join(', ')})`);
  await c.run(`INSERT INTO flows VALUES ${flows.map((f, i) => `(${i}, ${flowColumns.map(([n, t]) => sqlValue(f[n], t)).join(', ')})`).join(',\n')}`);
  await c.run(`CREATE TABLE types (rowid_ INTEGER, ${typeColumns.map((n, k) => `"${n}" ${typeSql[k]}`).join(', ')})`);
  await c.run(`INSERT INTO types VALUES ${typeRows.map((cells, i) => `(${i}, ${cells.map(([sql]) => sql ?? 'NULL').join(', ')})`).join(',\n')}`);

  const grouped = (table, columns) => {
    const parts = [];
    for (let start = 0; start < kRows; start += kRowGroup) {
      parts.push(`SELECT ${columns.map((n) => `"${n}"`).join(', ')} FROM ${table} WHERE rowid_ >= ${start} AND rowid_ < ${start + kRowGroup}`);
    }
    return parts.join(' UNION ALL ');
  };
  // DuckDB's PARQUET_VERSION v2 selects the v2 encodings (DELTA_*, BYTE_STREAM_SPLIT,
  // RLE_DICTIONARY) but DuckDB 1.5 still writes v1 data page headers.
  const files = [
    // name, table, options, encodings, codec, dictionary
    ['duckdb_v1_snappy.parquet', 'flows', 'COMPRESSION snappy', 'v1', 'SNAPPY', 'yes'],
    ['duckdb_v1_uncompressed_plain.parquet', 'flows', 'COMPRESSION uncompressed, DICTIONARY_SIZE_LIMIT 1', 'v1', 'UNCOMPRESSED', 'no'],
    ['duckdb_v1_gzip.parquet', 'flows', 'COMPRESSION gzip', 'v1', 'GZIP', 'yes'],
    ['duckdb_v2_zstd.parquet', 'flows', 'COMPRESSION zstd, PARQUET_VERSION v2', 'v2', 'ZSTD', 'yes'],
    ['duckdb_v2_lz4raw_plain.parquet', 'flows', 'COMPRESSION lz4_raw, PARQUET_VERSION v2, DICTIONARY_SIZE_LIMIT 1', 'v2', 'LZ4_RAW', 'no'],
    ['duckdb_v1_zstd_types.parquet', 'types', 'COMPRESSION zstd', 'v1', 'ZSTD', 'yes'],
    ['duckdb_v2_snappy_types_plain.parquet', 'types', 'COMPRESSION snappy, PARQUET_VERSION v2, DICTIONARY_SIZE_LIMIT 1', 'v2', 'SNAPPY', 'no'],
  ];
  for (const [name, table, options, encodings, codec, dictionary] of files) {
    const columns = table === 'flows' ? flowColumns.map(([n]) => n) : typeColumns;
    const path = join(outDir, name);
    await c.run(`COPY (${grouped(table, columns)}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE ${kRowGroup}, ${options})`);
    const groups = (await c.runAndReadAll(`SELECT count(*) FROM parquet_metadata('${path}') WHERE column_id = 0`)).getRows()[0][0];
    if (Number(groups) !== kRows / kRowGroup) throw new Error(`${name}: ${groups} row groups`);
    manifest.push([name, `${table}_expected.csv`, `DuckDB ${version}`, 1, encodings, codec, dictionary, kRowGroup]);
  }
  return version;
}

// ---------------------------------------------------------------------------
// hyparquet-writer (writes data pages v2 only).

// An LZ4 block holding `data` as literals only (valid for any LZ4 decoder).
function lz4LiteralBlock(data) {
  const out = [];
  const n = data.length;
  out.push((Math.min(n, 15) << 4) & 0xff);
  if (n >= 15) {
    let rest = n - 15;
    while (rest >= 255) {
      out.push(255);
      rest -= 255;
    }
    out.push(rest);
  }
  return Uint8Array.from([...out, ...data]);
}
// Hadoop's LZ4 framing: big-endian raw size, big-endian block size, block.
function lz4Hadoop(data) {
  const block = lz4LiteralBlock(data);
  const out = new Uint8Array(8 + block.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  view.setUint32(4, block.length);
  out.set(block, 8);
  return out;
}

function writeHyparquet(manifest) {
  const version = JSON.parse(readFileSync(join(here, 'node_modules', 'hyparquet-writer', 'package.json'))).version;
  const column = (name, encoding) => {
    const type = flowColumns.find(([n]) => n === name)[1];
    const data = flows.map((f) => f[name]);
    const base = { name, encoding };
    if (type === 'DOUBLE') return { ...base, data, type: 'DOUBLE' };
    if (type === 'INTEGER') return { ...base, data, type: 'INT32' };
    if (type === 'BIGINT') return { ...base, data: data.map((v) => (v === null ? null : BigInt(v))), type: 'INT64' };
    return { ...base, data, type: 'STRING' };
  };
  const flagColumn = (encoding) => ({
    name: 'Flag',
    data: flows.map((f, i) => (i % 11 === 0 ? null : f.TotPkts % 3 === 0)),
    type: 'BOOLEAN',
    encoding,
  });
  const plainish = flowColumns.map(([n]) => column(n, undefined));
  const delta = flowColumns.map(([n, t]) => {
    if (t === 'INTEGER' || t === 'BIGINT') return column(n, 'DELTA_BINARY_PACKED');
    if (t === 'DOUBLE') return column(n, 'BYTE_STREAM_SPLIT');
    return column(n, n === 'Label' || n === 'SrcAddr' ? 'DELTA_BYTE_ARRAY' : 'DELTA_LENGTH_BYTE_ARRAY');
  });
  const files = [
    // name, columns, codec, compressors, dictionary
    ['hyparquet_v2_snappy.parquet', [...plainish, flagColumn('RLE')], 'SNAPPY', {}, 'auto'],
    ['hyparquet_v2_gzip_delta.parquet', [...delta, flagColumn('PLAIN')], 'GZIP', { GZIP: (b) => gzipSync(b) }, 'no'],
    ['hyparquet_v2_uncompressed_plain.parquet', flowColumns.map(([n]) => column(n, 'PLAIN')), 'UNCOMPRESSED', {}, 'no'],
    ['hyparquet_v2_lz4_hadoop.parquet', plainish, 'LZ4', { LZ4: lz4Hadoop }, 'auto'],
    ['hyparquet_v2_lz4_raw_block.parquet', plainish, 'LZ4', { LZ4: lz4LiteralBlock }, 'auto'],
  ];
  for (const [name, columnData, codec, compressors, dictionary] of files) {
    const buffer = parquetWriteBuffer({
      columnData,
      codec,
      compressors,
      rowGroupSize: kRowGroup,
      createdBy: `hyparquet-writer ${version} (botrecon tools/gen_parquet_fixtures.mjs)`,
    });
    writeFileSync(join(outDir, name), new Uint8Array(buffer));
    const expected = columnData.some((c) => c.name === 'Flag') ? 'flows_flag_expected.csv' : 'flows_expected.csv';
    const encodings = columnData.some((c) => c.encoding?.startsWith('DELTA')) ? 'v2' : 'v1';
    manifest.push([name, expected, `hyparquet-writer ${version}`, 2, encodings, codec, dictionary, kRowGroup]);
  }
  return version;
}

// ---------------------------------------------------------------------------

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const manifest = [];
const duckVersion = await writeDuckDb(manifest);
const hyparquetVersion = writeHyparquet(manifest);

const flowNames = flowColumns.map(([n]) => n);
writeCsv(join(outDir, 'flows_expected.csv'), flowNames, flows.map((f) => flowNames.map((n) => f[n])));
writeCsv(join(outDir, 'flows_flag_expected.csv'), [...flowNames, 'Flag'],
         flows.map((f, i) => [...flowNames.map((n) => f[n]), i % 11 === 0 ? null : f.TotPkts % 3 === 0 ? 1 : 0]));
writeCsv(join(outDir, 'types_expected.csv'), typeColumns, typeRows.map((cells) => cells.map(([, e]) => e)));
writeCsv(join(outDir, 'fixtures.csv'), ['file', 'expected', 'writer', 'data_page_version', 'encodings', 'codec', 'dictionary', 'row_group_rows'], manifest);

for (const [name] of manifest) {
  const size = statSync(join(outDir, name)).size;
  if (size > 50 * 1024) throw new Error(`${name} is ${size} bytes, over the 50 KB budget`);
}

writeFileSync(join(outDir, 'README.md'), `# Parquet fixtures

Generated by \`tools/gen_parquet_fixtures.mjs\` (\`cd tools && npm ci && node gen_parquet_fixtures.mjs\`);
do not edit by hand. ${kRows} rows each, in row groups of ${kRowGroup} rows, from a fixed-seed
generator: flow-like columns (doubles, 32/64-bit integers, strings, nulls, one row
group where \`State\` is all null) in \`flows\`, and other Parquet types (booleans,
signed/unsigned integers, FLOAT, DECIMAL in INT32/INT64/FIXED_LEN_BYTE_ARRAY,
TIMESTAMP in ms/us/ns, DATE, TIME) in \`types\`.

Writers (independent implementations):
- DuckDB ${duckVersion} through the npm package @duckdb/node-api: data pages v1 with
  the v1 encodings (PLAIN, PLAIN_DICTIONARY) and, with \`PARQUET_VERSION v2\`, the v2
  encodings (RLE_DICTIONARY, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
  BYTE_STREAM_SPLIT; DuckDB keeps v1 page headers even then); dictionary on and
  off (\`DICTIONARY_SIZE_LIMIT 1\`); codecs SNAPPY, GZIP, ZSTD, LZ4_RAW, UNCOMPRESSED.
- hyparquet-writer ${hyparquetVersion} (npm): data pages v2; PLAIN, RLE_DICTIONARY, RLE
  booleans, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
  BYTE_STREAM_SPLIT; codecs SNAPPY, GZIP (node:zlib), UNCOMPRESSED, and the
  deprecated LZ4 codec in both of its framings (Hadoop's, and a bare LZ4 block),
  each holding literal-only LZ4 blocks made by the script.
- Node ${process.version}.

\`fixtures.csv\` lists each file with its writer, data page version, encoding
family, codec, dictionary use and row-group size, and the CSV of values it must read back as
(\`*_expected.csv\`: numbers as botrecon reads them — TIMESTAMP/DATE as seconds
since the Unix epoch, TIME as seconds since midnight, DECIMAL scaled — and
empty cells for nulls).
`);
console.log(`wrote ${manifest.length} fixtures to ${outDir}`);
