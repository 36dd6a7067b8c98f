// The platform's floor for the API benchmark (scripts/bench-api.sh, docs/PERFORMANCE.md): one KV
// read, answered as JSON. Nothing a real route could do with less: whatever the API takes beyond
// this is the product's own cost.
//
// `?gets=N` (at most 64) makes N reads one after another instead of one: the benchmark's
// calibration of what one KV read costs on this machine (under `wrangler dev` each is served by
// the local KV simulator in the same workerd process, so it costs CPU here that it would not
// cost a worker at the edge).
export default {
  async fetch(request, env) {
    const asked = Number(new URL(request.url).searchParams.get("gets") ?? "1");
    const gets = Number.isInteger(asked) ? Math.min(Math.max(asked, 1), 64) : 1;
    let value = null;
    for (let i = 0; i < gets; i++) {
      value = await env.FLOOR.get("floor", "json");
    }
    return Response.json(value);
  },
};
