// Browser test of the privacy center for a signed-in data subject (docs/WEB.md "Privacy center
// for subjects").
//
//   node subject.mjs <charter binary> <source dir> <screenshot dir>
//
// Starts the real `charter serve` with a fresh data folder, seeds a subject who gave consent to
// prospecting (and a service bound to prospecting, to ask for access decisions), then drives
// Debian's Chromium (headless, playwright-core; never a downloaded browser): from `/` to the
// sign-in form, the one-time code read from the outbox's .eml file, "my data", "my consents"
// (withdrawing in one click; the access decision changes at once), objection and restriction,
// "my requests" (an access request, fulfilled by the DPO through the API, then the archive
// downloaded and checked to be a zip), post-mortem directives, the access history, sign-out.
// Checks on every page: html lang, labelled controls, one h1 and heading order, no inline
// script or style, no horizontal scroll at phone width, no request leaving the server, no CSP
// violation; no cookie before the code is verified, then only charter_subject.
// Screenshots (desktop 1280 px and phone 390 px) go to <screenshot dir>.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { harness } from "./harness.mjs";

const h = harness("subject");
const { data, started, check, api, pageChecks, submit } = h;
const sessionSecret = async (base, email, password) => (await h.login(base, email, password)).secret;
const shoot = (page, what) => h.shoot(page, what, { phoneScroll: true });

async function firstDpoSession(base, email, printed) {
  const first = await sessionSecret(base, email, printed);
  const chosen = "the DPO chose this password";
  await api(base, first, "PUT", "/v1/session/password",
            { current_password: printed, new_password: chosen });
  return sessionSecret(base, email, chosen);
}

// The newest one-time code e-mailed to `to` (the outbox writes <data>/outbox/*.eml).
async function codeFor(to, after) {
  const dir = join(data, "outbox");
  for (let i = 0; i < 250; i++) {
    let best = null;
    let files = [];
    try { files = readdirSync(dir); } catch {}
    for (const f of files) {
      if (!f.endsWith(".eml")) continue;
      const path = join(dir, f);
      const text = readFileSync(path, "utf8");
      const m = /code[^:\r\n]*: ([0-9]{8})/.exec(text);
      if (!m || !text.includes(to)) continue;
      const t = statSync(path).mtimeMs;
      if (t >= after && (!best || t > best.t)) best = { t, code: m[1] };
    }
    if (best) return best.code;
    await new Promise((r) => setTimeout(r, 40));
  }
  return "";
}

async function main() {
  const { base: apiBase, email: dpoEmail, password } = await started;
  const base = apiBase.replace("127.0.0.1", "localhost");
  const host = new URL(base).host;
  console.log(`server at ${apiBase}`);

  // Seed: a customer who gave consent to prospecting; a service bound to prospecting.
  const dpo = await firstDpoSession(apiBase, dpoEmail, password);
  const subjectEmail = "camille.durand@example.net";
  const subject = (await api(apiBase, dpo, "POST", "/v1/subjects", {
    purposes: ["customer_relationship", "prospecting"],
    relationship: "customer",
    contract_start: new Date(Date.now() - 86400000).toISOString(),
    fields: { email: subjectEmail, last_name: "Durand", first_name: "Camille" },
  })).json.id;
  await api(apiBase, dpo, "POST", `/v1/subjects/${subject}/consents`,
            { purpose: "prospecting", action: "give", channel: "privacy_center", language: "fr" });
  const svc = (await api(apiBase, dpo, "POST", "/v1/services",
                         { name: "mailer", purposes: ["prospecting"] })).json.id;
  const token = (await api(apiBase, dpo, "POST", `/v1/services/${svc}/tokens`,
                           { validity: "P30D" })).json.token;
  const decision = async () => (await api(apiBase, token, "POST", "/v1/decisions",
                                          { subject_id: subject, purpose: "prospecting" })).json;
  check((await decision()).allowed === true, "seed: prospecting allowed (consent given)");

  const browser = await h.launch(chromium);
  const { context, page, endChecks } = await h.openPage(browser, host,
                                                        { locale: "fr-FR", acceptDownloads: true });

  // ---- sign-in: from the home page, no cookie until the code is verified ----
  await page.goto(`${base}/`);
  await submit(page, "main a[href^='/me/sign-in']");
  check(new URL(page.url()).pathname === "/me/sign-in", "home links to the sign-in page");
  await pageChecks(page, "sign-in");
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.className) === "skip",
        "keyboard: skip link first");
  await shoot(page, "subject-signin");
  const sentAfter = Date.now() - 1000;
  await page.fill("#email", subjectEmail);
  await submit(page, "main form button");
  check(new URL(page.url()).pathname === "/me/code", "sign-in: to the code form");
  check(!page.url().includes("@") && !page.url().includes("camille"),
        "sign-in: the address is not in the URL");
  check((await context.cookies()).length === 0, "no cookie before the code is verified");
  await pageChecks(page, "code");
  await shoot(page, "subject-code");
  const code = await codeFor(subjectEmail, sentAfter);
  check(code.length === 8, "the code is read from the outbox");
  await page.fill("#code", "00000000");
  await submit(page, "main form button");
  check(await page.isVisible(".error-box"), "a wrong code is refused");
  check((await context.cookies()).length === 0, "still no cookie after a wrong code");
  await page.fill("#code", code);
  await submit(page, "main form button");
  check(new URL(page.url()).pathname === "/me", "signed in: my data");
  const cookies = await context.cookies();
  check(cookies.length === 1 && cookies[0].name === "charter_subject" && cookies[0].httpOnly &&
        cookies[0].secure && cookies[0].sameSite === "Strict",
        `only the session cookie, HttpOnly Secure SameSite=Strict (${cookies.map((c) => c.name)})`);

  // ---- my data ----
  await pageChecks(page, "my data");
  const dataText = await page.textContent("main");
  check(dataText.includes(subjectEmail) && dataText.includes("Durand"), "my data: values shown");
  await shoot(page, "subject-data");

  // ---- my consents: withdraw in one click, the decision changes at once ----
  await page.click("nav.me-nav a[href^='/me/consents']");
  await page.waitForLoadState();
  await pageChecks(page, "my consents");
  check(await page.getAttribute("[data-consent-state]", "data-consent-state") === "given",
        "consents: prospecting given");
  await shoot(page, "subject-consents");
  await submit(page, "section.card button[value=withdraw]");
  check(await page.getAttribute("[data-consent-state]", "data-consent-state") === "withdrawn",
        "consents: withdrawn in one click");
  const after = await decision();
  check(after.allowed === false && after.reasons[0] === "consent_withdrawn",
        `decision changed at once (${after.reasons})`);
  check(await page.isVisible("section.card button[value=give]"),
        "consents: giving again is one click too");

  // ---- objection and restriction ----
  await page.goto(`${base}/me/objections`);
  await pageChecks(page, "objection and restriction");
  check((await page.$$("main section.card")).length >= 3,
        "objections: one card per purpose open to objection, and the restriction");
  await shoot(page, "subject-objections");

  // ---- my requests: ask for access, the DPO fulfils it, download the archive ----
  await page.goto(`${base}/me/requests`);
  await pageChecks(page, "my requests");
  await page.selectOption("#type", "access");
  await submit(page, "main form.stack button");
  const requestId = await page.getAttribute("[data-request]", "data-request");
  check(/^dsr_/.test(requestId || ""), "requests: the access request is listed");
  check(await page.getAttribute("[data-request] [data-state]", "data-state") === "in_progress",
        "requests: in progress at once (address verified by the session)");
  check(/dans les délais|on time/.test(await page.textContent("[data-request]")),
        "requests: deadline status shown");
  const fulfilled = await api(apiBase, dpo, "POST", `/v1/rights/queue/${requestId}/fulfil`, {});
  check(fulfilled.json.state === "fulfilled", "the DPO fulfils the access request");
  await page.reload();
  check(await page.getAttribute("[data-request] [data-state]", "data-state") === "fulfilled",
        "requests: fulfilled");
  await shoot(page, "subject-requests");
  const [download] = await Promise.all([page.waitForEvent("download"),
                                        page.click("[data-request] a[download]")]);
  const zipPath = await download.path();
  const head = readFileSync(zipPath).subarray(0, 4);
  check(head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])), "the archive downloaded is a zip");

  // ---- directives ----
  await page.goto(`${base}/me/directives`);
  await pageChecks(page, "directives");
  await page.check("#a-pass");
  await page.fill("#recipient_name", "Léa Durand");
  await page.fill("#recipient_email", "lea.durand@example.net");
  await page.fill("#executor_name", "Maître Roux");
  await page.fill("#executor_email", "roux@example.net");
  await submit(page, "main form.stack button");
  if (!(await page.isVisible("dl.directives"))) console.log(await page.textContent("main"));
  const directives = await page.textContent("dl.directives");
  check(directives.includes("Léa Durand") && directives.includes("Maître Roux"),
        "directives recorded and shown");
  await shoot(page, "subject-directives");

  // ---- history ----
  await page.goto(`${base}/me/history`);
  await pageChecks(page, "history");
  const history = await page.textContent("main");
  check(history.includes("privacy_center") && history.includes("access.decide"),
        "history: the audited read of my data is listed");
  await shoot(page, "subject-history");

  // ---- English, sign-out ----
  await page.goto(`${base}/me/consents?lang=en`);
  check(await page.evaluate(() => document.documentElement.lang) === "en", "pages in English");
  await submit(page, "form.logout button");
  check(!(await context.cookies()).some((c) => c.name === "charter_subject"),
        "sign-out clears the session cookie");
  await page.goto(`${base}/me`);
  check(new URL(page.url()).pathname === "/me/sign-in", "after sign-out: sign in again");

  endChecks();
  await browser.close();
}

h.run(main);
