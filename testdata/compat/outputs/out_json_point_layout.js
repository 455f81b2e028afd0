// note: --out json Point lines have the keys metric, type, data in that order, and samples outside any group carry group "" (k6 docs, results-output/real-time/json; k6 output/json wrapper).
// args: --out json={tmp}/out.json
// expect-exit: 0
// expect-iterations: 1
// expect-file: out.json {"metric":"iterations","type":"Point","data":{"time":
// expect-file: out.json "tags":{"group":"","scenario":"default"}
// expect-file: out.json {"type":"Metric","data":{"name":"iterations","type":"counter"
export const options = { iterations: 1 };
export default function () {}
