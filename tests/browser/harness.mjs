// What the browser tests share (run.mjs, subject.mjs, console.mjs; docs/WEB.md "Browser tests"):
// the command line, the real `charter serve` on a fresh data folder (its URL and the first DPO's
// printed credential read from stdout), Debian's Chromium, the API client used to seed data,
// the per-page checks (lang, labels, headings, no inline script or style), screenshots and the
// exit status.
//
//   const h = harness("subject", "usage line");
//   h.run(async () => { const { base, email, password } = await h.started; ... });
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function harness(name) {
  const [binary, sourceDir, shotDir] = process.argv.slice(2);
  if (!binary || !sourceDir || !shotDir) {
    console.error(`usage: node ${name}.mjs <charter binary> <source dir> <screenshot dir>`);
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

  // ---- the server ----
  const policy = join(sourceDir, "policies/oxemis.yaml");
  const data = mkdtempSync(join(tmpdir(), `charter-${name}-`));
  const server = spawn(binary, ["serve", "--policy", policy, "--data", data,
                                "--listen", "127.0.0.1:0", "--rate-anonymous", "1000",
                                "--log-level", "warn"],
                       { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  server.stderr.on("data", (d) => { stderr += d; });
  // Resolves to { base, email, password } once serve printed its URL and the first DPO.
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

  function chromiumPath() {
    for (const exe of ["chromium", "chromium-browser"]) {
      try {
        return execFileSync("which", [exe]).toString().trim();
      } catch {}
    }
    throw new Error("Debian's chromium is not installed (scripts/setup.sh chromium)");
  }

  // Chromium headless with the flags of the developers' guide; never a downloaded browser.
  async function launch(chromium) {
    return chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }

  // A page in a new context (1280x900, plus `options`, e.g. locale) whose requests to any other
  // host than `host` are aborted and counted, and whose CSP violations and script errors are
  // collected; endChecks() asserts both lists are empty.
  async function openPage(browser, host, options = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 },
                                               ...options });
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
    function endChecks() {
      check(outside.length === 0, `no request leaves the server (${outside})`);
      check(cspViolations.length === 0, `no CSP violation or script error ${cspViolations}`);
    }
    return { context, page, endChecks };
  }

  // ---- the API, to seed what the pages show ----
  // Throws on a status >= 400 unless `allowError`.
  async function api(base, secret, method, path, body, allowError = false) {
    const res = await fetch(base + path, {
      method,
      headers: { "Content-Type": "application/json",
                 ...(secret ? { Authorization: `Bearer ${secret}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch {}
    if (res.status >= 400 && !allowError) {
      throw new Error(`${method} ${path}: ${res.status} ${text}`);
    }
    return { status: res.status, json, headers: res.headers };
  }

  // A staff session: { secret, mustChange }.
  async function login(base, email, password) {
    const r = await api(base, null, "POST", "/v1/session", { email, password });
    const cookie = r.headers.get("set-cookie") || "";
    return { secret: /charter_session=([^;]+)/.exec(cookie)[1],
             mustChange: r.json.must_change_password === true };
  }

  // ---- page checks (no CDN: plain DOM queries) ----
  async function pageChecks(page, what) {
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
    check(r.lang === "fr" || r.lang === "en", `${what}: html lang set (${r.lang})`);
    check(r.unlabelled.length === 0, `${what}: every form control has a label ${r.unlabelled}`);
    check(r.inline.length === 0, `${what}: no inline script or style ${r.inline}`);
    check(r.h1 === 1, `${what}: one h1`);
    check(r.skipped.length === 0, `${what}: heading levels in order ${r.skipped}`);
    return r;
  }

  // Screenshots at 1280 px and 390 px; with `phoneScroll`, checks there is no horizontal scroll
  // at phone width.
  async function shoot(page, what, { phoneScroll = false } = {}) {
    await page.screenshot({ path: join(shotDir, `${what}-desktop.png`), fullPage: false });
    const size = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    if (phoneScroll) {
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
      check(!overflow, `${what}: no horizontal scroll at phone width`);
    }
    await page.screenshot({ path: join(shotDir, `${what}-phone.png`), fullPage: false });
    await page.setViewportSize(size);
  }

  async function submit(page, selector) {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  }

  // Runs the test, stops the server and exits 0 only if every check passed.
  function run(main) {
    main()
      .catch((e) => {
        failures++;
        console.error(e);
      })
      .finally(() => {
        stop();
        console.log(failures === 0 ? `${name} browser test: all passed`
                                   : `${name} browser test: ${failures} failed`);
        process.exit(failures === 0 ? 0 : 1);
      });
  }

  return { binary, sourceDir, shotDir, policy, data, started, check, launch, openPage, api,
           login, pageChecks, shoot, submit, run };
}
