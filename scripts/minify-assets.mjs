// Trunk post-build hook: minifies wasm-bindgen's JS glue and the stylesheet with esbuild (the
// copy wrangler already brings; Trunk's own JS minifier cannot parse the glue) and updates their
// sub-resource integrity hashes in index.html, so the page still verifies what it loads. Saves
// about 3 KB gzip of each app's first load (`scripts/sizes.sh`). Minifies a stylesheet inlined into
// the page, and records the inline loader's and styles' hashes for the Content-Security-Policy.
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
// The page's own comments and the indentation between its tags are for its readers, not for a
// phone: dropped (a newline between two tags never shows; text and inline runs keep theirs).
html = html.replace(/<!--[\s\S]*?-->/g, "").replace(/>\s*\n\s*</g, "><");

// A stylesheet inlined into the page (the portal's: its first paint needs no second request) is
// minified in place; its sha256 goes to the Content-Security-Policy's style-src like the loaders'
// to script-src (scripts/build.sh), so no other inline style is allowed.
const styleHashes = [];
html = html.replace(/(<style\b[^>]*>)([\s\S]*?)(<\/style>)/gi, (_, open, body, close) => {
  const { code } = esbuild.transformSync(body, { loader: "css", minify: true, target: "es2020" });
  const css = code.trim();
  styleHashes.push(`'sha256-${createHash("sha256").update(css, "utf8").digest("base64")}'`);
  return open + css + close;
});
writeFileSync(join(staging, "inline-style-hashes.txt"), styleHashes.join(" ") + "\n");
writeFileSync(htmlPath, html);

// Trunk's inline loader names this build's hashed files, so its sha256 is known only now. Each
// build (the portal's and the admin's) leaves its loaders' hashes in `inline-script-hashes.txt`;
// scripts/build.sh writes them all into the Content-Security-Policy of `_headers` (one policy
// serves both apps) and removes the file. No loader is an error: the page would not start.
const inlineScripts = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)];
if (inlineScripts.length === 0) throw new Error("no inline loader script in index.html");
const sources = inlineScripts
  .map(([, body]) => `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`)
  .join(" ");
writeFileSync(join(staging, "inline-script-hashes.txt"), sources + "\n");
