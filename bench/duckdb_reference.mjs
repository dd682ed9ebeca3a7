// The near-limit reference of docs/benchmarks.md: DuckDB parsing the workload
// CSV and aggregating per host, the same work botrecon does minus scoring.
//
//   node duckdb_reference.mjs FILE [THREADS]
//
// Needs the npm package @duckdb/node-api next to this script (run_e2e.sh
// copies it into its scratch directory and installs the package there).
// Prints one JSON line: the query result and the query's wall seconds
// (instance creation and connecting excluded).
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads = '2'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node duckdb_reference.mjs FILE [THREADS]');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
const sql = `SELECT count(*), count(DISTINCT SrcAddr), sum(TotBytes) FROM read_csv('${file.replaceAll("'", "''")}')`;
const start = performance.now();
const reader = await connection.runAndReadAll(sql);
const seconds = (performance.now() - start) / 1000;
const [rows, hosts, bytes] = reader.getRows()[0].map(String);
console.log(JSON.stringify({ rows, hosts, bytes, threads: Number(threads), seconds }));
