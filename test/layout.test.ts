import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect } from "chai";
import ts from "typescript";
import { projectRoot } from "../scripts/lib/localNode";

// The layout rules of issue 13, checked on the sources: what a reviewer would otherwise have to re-check by
// hand after every change. (Biome's noImportCycles checks cycles too, in `npm run lint`; this keeps the rule
// in the test command, with the whole cycle printed.)

const root = projectRoot();
const srcDir = join(root, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier a file names: static imports and re-exports (type-only ones too), `import()` and `import("x")` types. */
function specifiers(file: string): { text: string; dynamic: boolean }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { text: string; dynamic: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ text: node.moduleSpecifier.text, dynamic: false });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ text: node.arguments[0].text, dynamic: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ text: node.argument.literal.text, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The src file a relative specifier names (`./x.js` → `x.ts`), or undefined for a package. */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(from), specifier).replace(/\.js$/, "");
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

describe("layout: the rules the source tree keeps", () => {
  const files = sourceFiles(srcDir);
  const show = (file: string) => relative(root, file);

  it("has no import cycle among src/ files (type-only imports included)", () => {
    const edges = new Map(files.map((file) => [file, specifiers(file).flatMap((s) => resolveLocal(file, s.text) ?? [])]));
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const walk = (file: string, path: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].map(show).join(" → "));
        return;
      }
      state.set(file, "open");
      for (const next of edges.get(file) ?? []) walk(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) walk(file, []);
    expect(cycles).to.deep.equal([]);
  });

  it("loads packages lazily only when they are node: built-ins, ws or the optional WebAssembly signer (a lazy import() of ethers would load its second, ESM copy)", () => {
    const lazyAllowed = new Set(["ws", "tiny-secp256k1"]);
    const offending = files.flatMap((file) =>
      specifiers(file)
        .filter((s) => s.dynamic && !s.text.startsWith(".") && !s.text.startsWith("node:") && !lazyAllowed.has(s.text))
        .map((s) => `${show(file)}: import("${s.text}")`),
    );
    expect(offending).to.deep.equal([]);
  });

  it("keeps CLI handlers to parse, one SDK call, print: no raw JSON-RPC and no ABI coder built under src/cli", () => {
    const offending = sourceFiles(join(srcDir, "cli")).flatMap((file) => {
      const text = readFileSync(file, "utf8");
      return [/\bprovider\.send\(/, /\bnew Interface\(/].filter((rule) => rule.test(text)).map((rule) => `${show(file)}: ${rule.source}`);
    });
    expect(offending).to.deep.equal([]);
  });

  it("holds no generated or ignored file under src/ (a fresh clone type-checks before any build step)", () => {
    const ignored = execFileSync("git", ["ls-files", "--others", "--ignored", "--exclude-standard", "src"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    expect(ignored).to.equal("");
  });
});
