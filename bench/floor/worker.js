// The platform's floor for the API benchmark (scripts/bench-api.sh, docs/PERFORMANCE.md): one KV
// read, answered as JSON. Nothing a real route could do with less: whatever the API takes beyond
// this is the product's own cost.
//
// The benchmark's calibration adds, after that read, N more of one kind of operation, to price
// each on this machine (under `wrangler dev` KV, R2 and Durable Objects are simulated in the
// same workerd process, so they cost CPU here that they would not cost a worker at the edge):
// `?gets=N` KV reads, `?puts=N` KV writes, `?lists=N` KV lists, `?hmac=N` WebCrypto HMAC
// signatures, `?desk=N` calls to a Durable Object that writes one value to its storage (as the
// product's order desk does), `?newdesk=N` the same to a Durable Object never used before (as a
// filing's first change of an order does). N is at most 64.
export default {
  async fetch(request, env) {
    const value = await env.FLOOR.get("floor", "json");
    const params = new URL(request.url).searchParams;
    const n = (name) => {
      const asked = Number(params.get(name) ?? "0");
      return Number.isInteger(asked) ? Math.min(Math.max(asked, 0), 64) : 0;
    };
    for (let i = 0; i < n("gets"); i++) await env.FLOOR.get("floor", "json");
    for (let i = 0; i < n("puts"); i++) await env.FLOOR.put(`scratch:${i}`, JSON.stringify(value));
    for (let i = 0; i < n("lists"); i++) await env.FLOOR.list({ prefix: "floor", limit: 25 });
    if (n("hmac") > 0) {
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("k".repeat(32)),
        { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      for (let i = 0; i < n("hmac"); i++) {
        await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`t1.${i}.payload`));
      }
    }
    for (let i = 0; i < n("desk"); i++) {
      const stub = env.DESK.get(env.DESK.idFromName(`desk-${i}`));
      await stub.fetch("https://desk.internal/", { method: "POST", body: JSON.stringify(value) });
    }
    for (let i = 0; i < n("newdesk"); i++) {
      const stub = env.DESK.get(env.DESK.newUniqueId());
      await stub.fetch("https://desk.internal/", { method: "POST", body: JSON.stringify(value) });
    }
    return Response.json(value);
  },
};

// One Durable Object hop with one storage write: what each of the product's changes adds.
export class Desk {
  constructor(state) {
    this.state = state;
  }

  async fetch(request) {
    const body = await request.text();
    await this.state.storage.put("last", body);
    return new Response(body, { headers: { "Content-Type": "application/json" } });
  }
}
