// Bundles the CLI's start (src/cli/fast/entry.ts: the fast path of `call`, handing over to the full CLI in
// dist/src) into one file, dist/bundle/cli.js, which the bin (dist/src/cli/fast/launch.js) loads with a V8
// code cache. One file to read and compile instead of a hundred modules to resolve: most of a cold start.
// Usage: node scripts/bundleCli.cjs [outfile]
const { join } = require("node:path");

const root = join(__dirname, "..");
require("esbuild").buildSync({
  entryPoints: [join(root, "src", "cli", "fast", "entry.ts")],
  outfile: process.argv[2] ?? join(root, "dist", "bundle", "cli.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Smaller is faster to read and compile; the bundle reports no error of its own (the full CLI does).
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
