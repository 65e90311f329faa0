// Marks the ES module build's folder as "type": "module", so Node and TypeScript read its .js and
// .d.ts files as ES modules while the rest of the package stays CommonJS.
require("node:fs").writeFileSync(require("node:path").join(process.argv[2], "package.json"), '{ "type": "module" }\n');
