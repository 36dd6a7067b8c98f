// The portal's load in a throttled phone browser: first paint and "ready", three runs per
// network profile. Run by scripts/bench-portal.sh (which builds and serves the portal); by hand:
//   node scripts/bench-portal.mjs http://127.0.0.1:8787/ [runs]
//
// Headless Chromium is driven over the DevTools protocol (Node's own WebSocket, no package):
// a fresh tab per run, cache disabled, a 390×844 phone viewport, the CPU slowed 4× and the
// network shaped with Chrome DevTools' own presets (front_end/core/sdk/NetworkManager.ts):
//   Slow 4G: 562.5 ms latency (150 × 3.75), 1.6 Mbit/s × 0.9 down = 180,000 B/s, 750 kbit/s × 0.9
//            up = 84,375 B/s
//   Slow 3G: 2,000 ms latency (400 × 5), 500 kbit/s × 0.8 = 50,000 B/s down and up
// Reported per run:
// - first paint: the Performance API's `first-contentful-paint`;
// - ready: the `app-ready` mark the app sets once it has mounted and its handlers are attached
//   (frontend/src/shell.rs);
// both in milliseconds from the navigation's start, and the bytes the page transferred.
import { spawn } from "node:child_process";
import { createServer, request } from "node:http";
import { gzipSync } from "node:zlib";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const origin = process.argv[2];
const runs = Number(process.argv[3] || 3);
if (!origin) throw new Error("usage: node scripts/bench-portal.mjs <portal url> [runs]");
const CPU = 4;
const profiles = [
  { name: "Slow 4G", latency: 562.5, down: (1.6e6 / 8) * 0.9, up: (750e3 / 8) * 0.9 },
  { name: "Slow 3G", latency: 2000, down: (500e3 / 8) * 0.8, up: (500e3 / 8) * 0.8 },
];

// The edge sends compressed responses and wrangler dev does not: a proxy in front of it gzips
// (level 9, as scripts/sizes.sh counts) what a browser accepts compressed, so the network
// throttle sees the bytes a phone would download.
const compressible = /^(text\/|application\/(javascript|json|wasm)|image\/svg)/;
const proxy = createServer((req, res) => {
  const upstream = request(new URL(req.url, origin), { method: req.method, headers: req.headers }, (up) => {
    const chunks = [];
    up.on("data", (c) => chunks.push(c));
    up.on("end", () => {
      let body = Buffer.concat(chunks);
      const headers = { ...up.headers };
      if (/\bgzip\b/.test(req.headers["accept-encoding"] || "") && compressible.test(headers["content-type"] || "")
          && !headers["content-encoding"] && body.length > 0) {
        body = gzipSync(body, { level: 9 });
        headers["content-encoding"] = "gzip";
        headers["content-length"] = String(body.length);
        delete headers["transfer-encoding"];
      }
      res.writeHead(up.statusCode, headers);
      res.end(body);
    });
  });
  upstream.on("error", () => { res.writeHead(502); res.end(); });
  req.pipe(upstream);
});
await new Promise((ok) => proxy.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${proxy.address().port}/`;

const profile = mkdtempSync(join(process.env.TMPDIR || tmpdir(), "bench-chrome-"));
const chrome = spawn(process.env.CHROME_BIN || "/usr/bin/chromium", [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--remote-debugging-port=0", `--user-data-dir=${profile}`, "--lang=zh-CN", "about:blank",
], { stdio: "ignore" });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let ws;
try {
  // Chromium writes the port it picked and the browser's endpoint into DevToolsActivePort.
  const portFile = join(profile, "DevToolsActivePort");
  for (let i = 0; i < 200 && !existsSync(portFile); i++) await sleep(50);
  const [port, path] = readFileSync(portFile, "utf8").trim().split("\n");
  ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  let next = 0;
  const pending = new Map();
  ws.onmessage = ({ data }) => {
    const m = JSON.parse(data);
    const p = m.id && pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    m.error ? p.fail(new Error(`${p.method}: ${m.error.message}`)) : p.ok(m.result);
  };
  const send = (method, params = {}, sessionId) => new Promise((ok, fail) => {
    const id = ++next;
    pending.set(id, { ok, fail, method });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });

  const once = async (p) => {
    const { targetId } = await send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
    const s = (method, params) => send(method, params, sessionId);
    await s("Network.enable");
    await s("Network.setCacheDisabled", { cacheDisabled: true });
    await s("Network.emulateNetworkConditions", {
      offline: false, latency: p.latency, downloadThroughput: p.down, uploadThroughput: p.up,
    });
    await s("Emulation.setCPUThrottlingRate", { rate: CPU });
    await s("Emulation.setDeviceMetricsOverride", { width: 390, height: 844, deviceScaleFactor: 3, mobile: true });
    await s("Page.enable");
    // A build without the app-ready mark (before the static shell) is measured at the moment
    // its lookup button appears, enabled: the same moment, seen from outside.
    await s("Page.addScriptToEvaluateOnNewDocument", { source: `new MutationObserver((_, o) => {
      const b = document.querySelector("[data-testid=lookup-submit]");
      if (b && !b.disabled) { performance.mark("lookup-ready"); o.disconnect(); }
    }).observe(document, { childList: true, subtree: true });` });
    await s("Page.navigate", { url });
    const read = `(() => {
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      const ready = performance.getEntriesByName("app-ready")[0] || performance.getEntriesByName("lookup-ready")[0];
      const bytes = performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
        .reduce((n, e) => n + (e.transferSize || 0), 0);
      return JSON.stringify({ fcp: fcp && fcp.startTime, ready: ready && ready.startTime, bytes });
    })()`;
    let result;
    for (const start = Date.now(); Date.now() - start < 120_000; await sleep(100)) {
      const { result: r } = await s("Runtime.evaluate", { expression: read, returnByValue: true });
      result = r && r.value ? JSON.parse(r.value) : {};
      if (result.ready !== undefined && result.fcp !== undefined) break;
    }
    await send("Target.closeTarget", { targetId });
    if (result.ready === undefined) throw new Error(`${p.name}: no app-ready mark within 120 s`);
    return result;
  };

  const ms = (v) => (v === undefined ? "—" : `${(v / 1000).toFixed(2)} s`);
  console.log(`portal ${url}, ${CPU}× CPU, cache disabled, 390×844, ${runs} runs per profile`);
  for (const p of profiles) {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await once(p));
    const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
    console.log(
      `${p.name.padEnd(8)} (${p.latency} ms, ${Math.round(p.down)} B/s down): ` +
      `first paint ${results.map((r) => ms(r.fcp)).join(" / ")} (median ${ms(median("fcp"))}); ` +
      `ready ${results.map((r) => ms(r.ready)).join(" / ")} (median ${ms(median("ready"))}); ` +
      `${results[0].bytes} B transferred`,
    );
  }
} finally {
  if (ws) ws.close();
  chrome.kill();
  proxy.close();
  await sleep(300);
  rmSync(profile, { recursive: true, force: true });
}
