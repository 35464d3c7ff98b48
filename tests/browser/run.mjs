// Browser test of the privacy center and the staff console (docs/WEB.md "Browser tests").
//
//   node run.mjs <charter binary> <source dir> <screenshot dir>
//
// Starts the real `charter serve` on 127.0.0.1 (a free port) with a fresh data folder, reads the
// first DPO's password from its stdout, seeds a staff member and a subject through the API, then
// drives Debian's Chromium (headless, through playwright-core; never a downloaded browser):
// privacy center in French and English, the collection notice, console login as the first DPO,
// subject search for a purpose, register, retention, audit status with "verify now", logout; and
// a support member refused a purpose they do not receive. Checks on every page: no request
// leaves 127.0.0.1, html lang set, every form control labelled, one h1 and no skipped heading
// level, no inline script or style, no CSP violation; no cookie at all on the public pages.
// Screenshots (desktop 1280 px and phone 390 px) go to <screenshot dir>.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [binary, sourceDir, shotDir] = process.argv.slice(2);
if (!binary || !sourceDir || !shotDir) {
  console.error("usage: node run.mjs <charter binary> <source dir> <screenshot dir>");
  process.exit(2);
}
mkdirSync(shotDir, { recursive: true });

let failures = 0;
function check(condition, what) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.log(`FAIL ${what}`);
  }
}

function chromiumPath() {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("which", [name]).toString().trim();
    } catch {}
  }
  throw new Error("Debian's chromium is not installed (scripts/setup.sh chromium)");
}

// ---- the server ----
const data = mkdtempSync(join(tmpdir(), "charter-browser-"));
const server = spawn(binary, ["serve", "--policy", join(sourceDir, "policies/oxemis.yaml"),
                              "--data", data, "--listen", "127.0.0.1:0",
                              "--rate-anonymous", "1000", "--log-level", "warn"],
                     { stdio: ["ignore", "pipe", "pipe"] });
let stdout = "";
let stderr = "";
server.stderr.on("data", (d) => { stderr += d; });
const started = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("serve did not start in 60 s\n" + stderr)),
                           60000);
  server.stdout.on("data", (d) => {
    stdout += d;
    const url = /Charter listening on (http:\/\/[0-9.:]+)/.exec(stdout);
    const dpo = /e-mail (\S+), password (\S+) \(/.exec(stdout);
    if (url && dpo) {
      clearTimeout(timer);
      resolve({ base: url[1], email: dpo[1], password: dpo[2] });
    }
  });
  server.on("exit", (code) => reject(new Error(`serve exited with ${code}\n${stderr}`)));
});

function stop() {
  if (server.exitCode === null) server.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
}

// ---- the API, to seed what the pages show ----
async function api(base, secret, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "Content-Type": "application/json",
               ...(secret ? { Authorization: `Bearer ${secret}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { status: res.status, json, headers: res.headers };
}

async function sessionSecret(base, email, password) {
  const r = await api(base, null, "POST", "/v1/session", { email, password });
  const cookie = r.headers.get("set-cookie") || "";
  return { secret: /charter_session=([^;]+)/.exec(cookie)[1],
           mustChange: r.json.must_change_password === true };
}

// The first DPO's printed password must be changed at first login (docs/HTTP.md): changes it
// through the API and returns a session with the new one.
const dpoChosenPassword = "the DPO chose this password";
async function firstDpoSession(base, email, printed) {
  const first = await sessionSecret(base, email, printed);
  check(first.mustChange, "first DPO: the printed password must be changed");
  const refused = await fetch(base + "/v1/staff", {
    headers: { Authorization: `Bearer ${first.secret}` } });
  check(refused.status === 403, "first DPO: nothing else is allowed before the change");
  await api(base, first.secret, "PUT", "/v1/session/password",
            { current_password: printed, new_password: dpoChosenPassword });
  return (await sessionSecret(base, email, dpoChosenPassword)).secret;
}

// ---- page checks (no CDN: plain DOM queries) ----
async function pageChecks(page, name) {
  const r = await page.evaluate(() => {
    const out = { lang: document.documentElement.lang, unlabelled: [], inline: [],
                  h1: document.querySelectorAll("h1").length, skipped: [] };
    for (const el of document.querySelectorAll("input, select, textarea")) {
      if (el.type === "hidden") continue;
      const byFor = el.id && document.querySelector(`label[for="${el.id}"]`);
      if (!byFor && !el.closest("label") && !el.getAttribute("aria-label")) {
        out.unlabelled.push(el.name || el.id);
      }
    }
    for (const s of document.querySelectorAll("script")) if (!s.src) out.inline.push("script");
    if (document.querySelector("style")) out.inline.push("style");
    if (document.querySelector("[style]")) out.inline.push("style attribute");
    let last = 0;
    for (const h of document.querySelectorAll("main h1, main h2, main h3, main h4")) {
      const level = Number(h.tagName[1]);
      if (level > last + 1) out.skipped.push(h.tagName);
      last = level;
    }
    return out;
  });
  check(r.lang === "fr" || r.lang === "en", `${name}: html lang set (${r.lang})`);
  check(r.unlabelled.length === 0, `${name}: every form control has a label ${r.unlabelled}`);
  check(r.inline.length === 0, `${name}: no inline script or style ${r.inline}`);
  check(r.h1 === 1, `${name}: one h1`);
  check(r.skipped.length === 0, `${name}: heading levels in order ${r.skipped}`);
  return r;
}

async function shoot(page, name) {
  await page.screenshot({ path: join(shotDir, `${name}-desktop.png`), fullPage: false });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(shotDir, `${name}-phone.png`), fullPage: false });
  await page.setViewportSize(size);
}

async function main() {
  const { base: apiBase, email, password } = await started;
  // Chromium keeps Secure cookies from http://localhost (a secure context), not from
  // http://127.0.0.1: the pages are opened through localhost.
  const base = apiBase.replace("127.0.0.1", "localhost");
  console.log(`server at ${apiBase}`);
  const host = new URL(base).host;

  // Seed: the DPO's training and confidentiality, a support member, a customer subject with a
  // consent (for the chart), a sweep report, a legal hold.
  const dpo = await firstDpoSession(apiBase, email, password);
  const me = (await api(apiBase, dpo, "GET", "/v1/session")).json.staff_id;
  const today = new Date().toISOString().slice(0, 10);
  await api(apiBase, dpo, "POST", `/v1/staff/${me}/training`, { date: today });
  await api(apiBase, dpo, "POST", `/v1/staff/${me}/confidentiality`, {});
  const supportEmail = "support.agent@oxemis.example";
  const supportPassword = "a support password of some length";
  const sup = (await api(apiBase, dpo, "POST", "/v1/staff",
                         { display_name: "Support Agent", email: supportEmail,
                           roles: ["support"] })).json.id;
  await api(apiBase, dpo, "PUT", `/v1/staff/${sup}/password`, { password: supportPassword });
  await api(apiBase, dpo, "POST", `/v1/staff/${sup}/training`, { date: today });
  await api(apiBase, dpo, "POST", `/v1/staff/${sup}/confidentiality`, {});
  const subjectEmail = "jeanne.martin@example.net";
  const subject = (await api(apiBase, dpo, "POST", "/v1/subjects", {
    purposes: ["customer_relationship", "commercial_relationship"],
    relationship: "customer",
    contract_start: new Date(Date.now() - 86400000).toISOString(),
    fields: { email: subjectEmail, last_name: "Martin", first_name: "Jeanne",
              postal_address: "12 rue des Lilas, 69003 Lyon" },
  })).json.id;
  await api(apiBase, dpo, "POST", `/v1/subjects/${subject}/consents`,
            { purpose: "prospecting", action: "give", channel: "privacy_center", language: "fr" });
  await api(apiBase, dpo, "POST", `/v1/subjects/${subject}/consents`,
            { purpose: "prospecting", action: "withdraw", channel: "privacy_center",
              language: "fr" });
  await api(apiBase, dpo, "POST", `/v1/subjects/${subject}/holds`,
            { reason: "Dispute about an invoice (case 2026-17)" });

  // A dry-run sweep report from the CLI on the same data folder (SQLite, shared with serve).
  let swept = false;
  try {
    execFileSync(binary, ["sweep", "--dry-run", "--policy",
                          join(sourceDir, "policies/oxemis.yaml"), "--data", data],
                 { timeout: 60000, stdio: "pipe" });
    swept = true;
  } catch (e) {
    console.log(`note: charter sweep --dry-run failed, the sweep check is skipped: ${e.stderr}`);
  }

  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 },
                                             locale: "fr-FR" });
  const outside = [];
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.host !== host) {
      outside.push(u.origin);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  const cspViolations = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on("pageerror", (e) => cspViolations.push(String(e)));

  // ---- privacy center ----
  let res = await page.goto(`${base}/`);
  check(res.status() === 200, "home: 200");
  const csp = res.headers()["content-security-policy"] || "";
  check(csp.includes("script-src 'self'") && !csp.includes("unsafe-inline") &&
        csp.includes("frame-ancestors 'none'"), "home: CSP without unsafe-inline");
  let r = await pageChecks(page, "home (Accept-Language fr)");
  check(r.lang === "fr", "home: French from Accept-Language");
  check((await page.textContent("h1")).includes("confidentialité"), "home: French title");
  check(await page.isVisible("text=Prospection") || await page.isVisible("h3"),
        "home: purposes listed");
  await shoot(page, "home-fr");
  res = await page.goto(`${base}/?lang=en`);
  r = await pageChecks(page, "home (?lang=en)");
  check(r.lang === "en", "home: English with ?lang=en");
  check((await page.textContent("h1")).includes("Privacy center"), "home: English title");
  await shoot(page, "home-en");
  // The language switch link.
  await Promise.all([page.waitForNavigation(), page.click("nav a[hreflang=fr]")]);
  check(await page.evaluate(() => document.documentElement.lang) === "fr",
        "language switch to French");
  // Keyboard: the skip link is the first focusable element.
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.className) === "skip",
        "keyboard: skip link first");

  res = await page.goto(`${base}/notice?lang=en`);
  await pageChecks(page, "notice");
  const fields = await page.$$eval("form.notice label", (ls) => ls.map((l) => l.textContent));
  check(fields.length > 0 && fields.some((t) => /mandatory/.test(t)),
        `notice: fields with mandatory/optional (${fields.length})`);
  // The script submits the purpose selector on change (progressive enhancement).
  await Promise.all([page.waitForNavigation(),
                     page.selectOption("#purpose", "commercial_relationship")]);
  check(page.url().includes("purpose=commercial_relationship"), "notice: purpose chosen");
  await shoot(page, "notice-en");
  check((await context.cookies()).length === 0, "public pages set no cookie");

  // ---- console ----
  res = await page.goto(`${base}/console?lang=en`);
  check(page.url().startsWith(`${base}/console/login`), "console: unauthenticated -> login");
  await pageChecks(page, "login");
  await shoot(page, "console-login");
  check(!(await context.cookies()).some((c) => c.name === "charter_session"),
        "no session cookie before login");
  await page.fill("#email", email);
  await page.fill("#password", "not the password");
  await Promise.all([page.waitForNavigation(), page.click("form.stack button")]);
  check(await page.isVisible(".error-box"), "login: wrong password refused");
  await page.fill("#email", email);
  await page.fill("#password", dpoChosenPassword);
  await Promise.all([page.waitForNavigation(), page.click("form.stack button")]);
  check(new URL(page.url()).pathname === "/console", "login as the first DPO");
  const cookie = (await context.cookies()).find((c) => c.name === "charter_session");
  check(cookie && cookie.httpOnly && cookie.secure && cookie.sameSite === "Strict",
        "session cookie HttpOnly Secure SameSite=Strict");
  await pageChecks(page, "console home");
  check(await page.isVisible("figure.chart svg"), "console: consent chart (inline SVG)");
  await shoot(page, "console-home");

  await page.goto(`${base}/console/search?lang=en`);
  await pageChecks(page, "search form");
  await page.fill("#email", subjectEmail);
  await page.selectOption("#purpose", "disputes");
  await Promise.all([page.waitForNavigation(), page.click("form.stack button")]);
  check(!page.url().includes("@") && !page.url().includes("jeanne"),
        "search: the e-mail is not in the URL");
  const result = await page.textContent("main");
  check(result.includes(subject), "search: the subject is found");
  check(/Access allowed/.test(result) && result.includes("Martin"),
        "search: the DPO (trained) is allowed disputes data under a legal hold, values shown");
  await pageChecks(page, "search result");
  await shoot(page, "console-search");

  await page.goto(`${base}/console/register?lang=en`);
  await pageChecks(page, "register");
  const rows = await page.$$eval("table.data tbody tr", (t) => t.length);
  check(rows === 7, `register: one row per purpose (${rows})`);
  await shoot(page, "console-register");

  await page.goto(`${base}/console/retention?lang=en`);
  await pageChecks(page, "retention");
  const retention = await page.textContent("main");
  check(retention.includes("Dispute about an invoice"), "retention: the legal hold is listed");
  if (swept) check(/swp_/.test(retention), "retention: the sweep report is listed");
  await shoot(page, "console-retention");

  await page.goto(`${base}/console/staff?lang=en`);
  await pageChecks(page, "staff");
  check((await page.$$eval("table.data tbody tr", (t) => t.length)) === 2,
        "staff: two members");
  await shoot(page, "console-staff");

  await page.goto(`${base}/console/audit?lang=en`);
  await pageChecks(page, "audit");
  await Promise.all([page.waitForNavigation(), page.click("main form button")]);
  const verified = await page.textContent("#verify-result");
  check(/Log verified/.test(verified), `audit: verify now (${verified.trim().slice(0, 60)})`);
  await shoot(page, "console-audit");

  await Promise.all([page.waitForNavigation(), page.click("form.logout button")]);
  check(page.url().includes("/console/login"), "logout: back to the login page");
  await page.goto(`${base}/console/register`);
  check(page.url().includes("/console/login"), "after logout: the console asks to log in");

  // ---- support: a purpose it does not receive is refused ----
  await page.goto(`${base}/console/login?lang=en`);
  await page.fill("#email", supportEmail);
  await page.fill("#password", supportPassword);
  await Promise.all([page.waitForNavigation(), page.click("form.stack button")]);
  await page.goto(`${base}/console/search?lang=en`);
  await page.fill("#email", subjectEmail);
  await page.selectOption("#purpose", "legal_obligations");
  await Promise.all([page.waitForNavigation(), page.click("form.stack button")]);
  const denied = await page.textContent("main");
  check(denied.includes("role_not_recipient") && !denied.includes("Martin"),
        "support: accounting purpose refused (role_not_recipient), no value shown");
  await page.goto(`${base}/console/audit?lang=en`);
  check((await page.textContent("main")).includes("does not give access"),
        "support: the audit page is refused");

  check(outside.length === 0, `no request leaves the server (${outside})`);
  check(cspViolations.length === 0, `no CSP violation or script error ${cspViolations}`);
  await browser.close();
}

main()
  .catch((e) => {
    failures++;
    console.error(e);
  })
  .finally(() => {
    stop();
    console.log(failures === 0 ? "browser test: all passed" : `browser test: ${failures} failed`);
    process.exit(failures === 0 ? 0 : 1);
  });
