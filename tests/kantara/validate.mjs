// Validates consent receipts against the Kantara Consent Receipt v1.1 JSON Schema (draft-04).
//
//   node validate.mjs SCHEMA DIR...
//
// SCHEMA is reference/kantara/kantara-consent-receipt-v1_1-schema.json; its leading `//` comment
// lines are not JSON and are stripped. Every *.json file under each DIR (Charter receipts, made by
// the kantara_receipts generator and by `charter consent receipt`) must validate. Controls: the
// reference example must validate, and receipts with a required field removed (or a third-party
// disclosure without a name) must not, so a schema that accepted everything would fail this test.
// Exit 0 when all hold; 1 with every error otherwise.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

let Ajv04;
try {
  Ajv04 = (await import("ajv-draft-04")).default;
} catch (e) {
  console.error("kantara: ajv-draft-04 is not installed; run `npm ci` in tests/kantara");
  process.exit(1);
}

const [schemaPath, ...dirs] = process.argv.slice(2);
if (!schemaPath || dirs.length === 0) {
  console.error("usage: node validate.mjs SCHEMA DIR...");
  process.exit(2);
}
const schemaText = readFileSync(schemaPath, "utf8")
  .split("\n")
  .filter((line) => !/^\s*\/\//.test(line))
  .join("\n");
const schema = JSON.parse(schemaText);
const ajv = new Ajv04({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

let failures = 0;
const fail = (msg) => {
  console.error(`FAIL ${msg}`);
  failures++;
};
const check = (name, receipt, expectValid) => {
  const ok = validate(receipt);
  if (ok !== expectValid) {
    fail(`${name}: expected ${expectValid ? "valid" : "invalid"}` +
         (ok ? "" : `: ${ajv.errorsText(validate.errors, { separator: "; " })}`));
  }
  return ok;
};

// Positive control: the specification's example.
const example = JSON.parse(readFileSync(
  join(dirname(schemaPath), "kantara-consent-receipt-v1_1-example.json"), "utf8"));
check("reference example", example, true);

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".json")) files.push(path);
  }
};
for (const dir of dirs) walk(dir);
if (files.length < 5) fail(`only ${files.length} receipt(s) found under ${dirs.join(", ")}`);

const kinds = new Set();
for (const file of files) {
  const receipt = JSON.parse(readFileSync(file, "utf8"));
  if (check(file, receipt, true)) kinds.add(receipt.charter?.eventKind);
}
for (const kind of ["given", "withdrawn", "expired"]) {
  if (!kinds.has(kind)) fail(`no valid receipt for a "${kind}" event`);
}

// Negative controls, derived from the first Charter receipt.
if (files.length > 0) {
  const base = JSON.parse(readFileSync(files[0], "utf8"));
  const mutate = (f) => { const r = structuredClone(base); f(r); return r; };
  check("without piiPrincipalId", mutate((r) => delete r.piiPrincipalId), false);
  check("without policyUrl", mutate((r) => delete r.policyUrl), false);
  check("controller without phone", mutate((r) => delete r.piiControllers[0].phone), false);
  check("purpose without thirdPartyDisclosure",
        mutate((r) => delete r.services[0].purposes[0].thirdPartyDisclosure), false);
  check("third party without name",
        mutate((r) => { r.services[0].purposes[0].thirdPartyDisclosure = true; }), false);
  check("timestamp as text", mutate((r) => { r.consentTimestamp = "2025"; }), false);
}

if (failures > 0) {
  console.error(`kantara: ${failures} failure(s)`);
  process.exit(1);
}
console.log(`kantara: ${files.length} receipt(s) valid against the Kantara v1.1 schema ` +
            `(${[...kinds].sort().join(", ")}); controls behave`);
