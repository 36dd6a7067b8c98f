// Trunk post-build hook: minifies wasm-bindgen's JS glue and the stylesheet with esbuild (the
// copy wrangler already brings; Trunk's own JS minifier cannot parse the glue) and updates their
// sub-resource integrity hashes in index.html, so the page still verifies what it loads. Saves
// about 3 KB gzip of the portal's first load (`scripts/sizes.sh`). Then writes the inline loader's
// hash into the Content-Security-Policy of `_headers`.
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const esbuild = require("esbuild");
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error("TRUNK_STAGING_DIR is not set: run as a Trunk post_build hook");

const integrity = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");
const htmlPath = join(staging, "index.html");
let html = readFileSync(htmlPath, "utf8");
const loaders = { js: { loader: "js", format: "esm" }, css: { loader: "css" } };
for (const name of readdirSync(staging)) {
  const options = loaders[name.split(".").pop()];
  if (!options) continue;
  const path = join(staging, name);
  const source = readFileSync(path);
  const { code } = esbuild.transformSync(source.toString("utf8"), {
    ...options,
    minify: true,
    target: "es2020",
  });
  writeFileSync(path, code);
  // Trunk writes a sha384 hash for each asset; a page whose hash no longer matched would refuse
  // to load it, so a hash not found is an error, not a skip.
  const before = integrity(source);
  if (!html.includes(before)) throw new Error(`no sha384 integrity hash for ${name} in index.html`);
  html = html.replaceAll(before, integrity(Buffer.from(code)));
}
writeFileSync(htmlPath, html);

// The portal's Content-Security-Policy (frontend/_headers, copied here by Trunk) allows Trunk's
// inline loader script by its sha256: the loader names this build's hashed files, so its hash is
// known only now. A missing placeholder or loader is an error: the page would not start.
const placeholder = "TRUNK_INLINE_SCRIPT_HASHES";
const headersPath = join(staging, "_headers");
const inlineScripts = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)];
if (inlineScripts.length === 0) throw new Error("no inline loader script in index.html");
const sources = inlineScripts
  .map(([, body]) => `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`)
  .join(" ");
const headers = readFileSync(headersPath, "utf8");
if (!headers.includes(placeholder)) throw new Error(`no ${placeholder} in _headers`);
writeFileSync(headersPath, headers.replaceAll(placeholder, sources));
