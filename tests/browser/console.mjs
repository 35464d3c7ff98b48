// Browser test of the DPO's console flows (docs/WEB.md "Requests", docs/DISCLOSURE.md).
//
//   node console.mjs <charter binary> <source dir> <screenshot dir>
//
// Starts the real `charter serve` on a fresh data folder and drives Debian's Chromium (headless,
// through playwright-core; never a downloaded browser): the first DPO logs in with the printed
// password and must change it in the console, then sees a request due soon in the queue (recorded
// through the API with a real receipt date about 26 days ago), confirms the identity and extends
// it with a reason, fulfils an erasure request (the answer lists what is kept with its legal
// ground; the API then no longer serves the subject), records an authority's request in the
// disclosure register and approves it, and sees the requests chart on the home page. A support
// member is refused the queue and the register. Checks on every page: html lang, labelled
// controls, one h1 and heading order, no inline script or style, no request leaving the server,
// no CSP violation. Screenshots (desktop 1280 px and phone 390 px) go to <screenshot dir>.
import { chromium } from "playwright-core";
import { harness } from "./harness.mjs";

const h = harness("console");
const { started, check, api, pageChecks, shoot, submit } = h;
const sessionSecret = async (base, email, password) => (await h.login(base, email, password)).secret;

function isoDaysAgo(n) {
  return new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
}

async function main() {
  const { base: apiBase, email, password } = await started;
  const base = apiBase.replace("127.0.0.1", "localhost");  // Secure cookies need localhost
  const host = new URL(base).host;
  console.log(`server at ${apiBase}`);

  const browser = await h.launch(chromium);
  const { page, endChecks } = await h.openPage(browser, host, { locale: "en-GB" });

  // ---- first login: the printed password must be changed in the console ----
  const chosen = "the DPO chose this one in the console";
  await page.goto(`${base}/console/login?lang=en`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await submit(page, "form.stack button");
  check(new URL(page.url()).pathname === "/console/password",
        "first DPO login: sent to the password page");
  await pageChecks(page, "password (must change)");
  await shoot(page, "console-password");
  await page.fill("#current_password", password);
  await page.fill("#new_password", chosen);
  await submit(page, "main form button");
  check(new URL(page.url()).pathname === "/console/login", "password changed: log in again");
  await page.fill("#email", email);
  await page.fill("#password", chosen);
  await submit(page, "form.stack button");
  check(new URL(page.url()).pathname === "/console", "DPO logged in with the new password");

  // ---- seed through the API: training, subjects, requests ----
  const dpo = await sessionSecret(apiBase, email, chosen);
  const me = (await api(apiBase, dpo, "GET", "/v1/session")).json.staff_id;
  const today = isoDaysAgo(0);
  await api(apiBase, dpo, "POST", `/v1/staff/${me}/training`, { date: today });
  await api(apiBase, dpo, "POST", `/v1/staff/${me}/confidentiality`, {});
  const eraseEmail = "leo.erase@example.net";
  const erased = (await api(apiBase, dpo, "POST", "/v1/subjects", {
    purposes: ["prospecting"], fields: { email: eraseEmail } })).json.id;
  // A service bound to prospecting, which may read the subject before the erasure.
  const svc = (await api(apiBase, dpo, "POST", "/v1/services",
                         { name: "crm", purposes: ["prospecting"] })).json.id;
  const crm = (await api(apiBase, dpo, "POST", `/v1/services/${svc}/tokens`,
                         { validity: "P30D" })).json.token;
  await api(apiBase, crm, "POST", `/v1/subjects/${erased}/consents`,
            { purpose: "prospecting", action: "give", channel: "api" });
  const before = await api(apiBase, crm, "GET", `/v1/subjects/${erased}?purpose=prospecting`,
                           undefined, true);
  check(before.status === 200, `API: the subject is served before the erasure (${before.status})`);
  const target = (await api(apiBase, dpo, "POST", "/v1/subjects", {
    purposes: ["prospecting"], fields: { email: "ana.target@example.net" } })).json.id;
  // A request received about 26 days ago: due soon (≤ 5 days left) by the server's rule. The
  // due day moves past week-ends and holidays, so try a few receipt dates.
  let soon = null;
  for (const days of [26, 27, 28, 25, 29]) {
    const r = (await api(apiBase, dpo, "POST", "/v1/rights/queue", {
      type: "access", email: `mia.soon.${days}@example.net`, language: "en",
      received: isoDaysAgo(days), text: "Please send me a copy of my data." })).json;
    if (r.deadline_status === "due_soon") {
      soon = r;
      break;
    }
  }
  check(soon !== null, `a request due soon recorded (${soon && soon.received}, due ${soon && soon.due})`);
  const erasure = (await api(apiBase, dpo, "POST", "/v1/rights/queue", {
    type: "erasure", email: eraseEmail, language: "en", received: today })).json;
  check(erasure.deadline_status === "on_time", "erasure request on time");

  // ---- home: the two charts ----
  await page.goto(`${base}/console?lang=en`);
  await pageChecks(page, "console home");
  check(await page.isVisible("#requests-chart svg"), "home: requests per month chart (inline SVG)");
  check(await page.isVisible("figure.chart svg"), "home: consent chart still there");
  const chartRows = await page.$$eval("#requests-chart ~ table tbody tr td", (t) =>
    t.map((x) => Number(x.textContent)));
  check(chartRows.reduce((a, b) => a + b, 0) >= 2, `home: requests counted (${chartRows})`);
  await shoot(page, "console-home-charts");

  // ---- the queue: due soon, visible in text and style ----
  await page.click("nav a[href^='/console/requests']");
  await page.waitForLoadState();
  await pageChecks(page, "request queue");
  const soonRow = page.locator(`#queue tr:has(a:has-text("${soon.request_id}"))`);
  check((await soonRow.locator(".deadline").textContent()).trim() === "due soon",
        "queue: the request says due soon");
  check(await soonRow.locator(".deadline-due_soon").count() === 1,
        "queue: due soon has its own style");
  const bg = await soonRow.locator(".deadline").evaluate((e) => getComputedStyle(e).backgroundColor);
  const onTimeBg = await page.locator(".deadline-on_time").first()
    .evaluate((e) => getComputedStyle(e).backgroundColor);
  check(bg !== onTimeBg, `queue: due soon looks different from on time (${bg} / ${onTimeBg})`);
  check(!(await page.textContent("main")).includes("mia.soon"), "queue: no address in the list");
  await shoot(page, "console-requests");
  // Filter: due soon only.
  await page.selectOption("#f-deadline", "due_soon");
  await submit(page, "form.filters button");
  check(page.url().includes("deadline=due_soon") &&
        (await page.locator("#queue tbody tr").count()) >= 1 &&
        !(await page.textContent("#queue")).includes(erasure.request_id),
        "queue: filtered on due soon");

  // ---- the due-soon request: identity, then extend with a reason ----
  await page.click(`a:has-text("${soon.request_id}")`);
  await page.waitForLoadState();
  await pageChecks(page, "request (received)");
  await page.fill("#identity-note", "Customer account holder, signed letter received");
  await submit(page, "form[action$='/identity'] button");
  check((await page.textContent("#request-state")).includes("in progress"),
        "request: identity established, in progress");
  await page.fill("#extend-reason", "The data is spread over three archived systems.");
  await submit(page, "#extend-form button");
  check((await page.textContent("#action-done")).includes("Deadline extended"),
        "request: extended, the page says so");
  check((await page.textContent("#request-state")).includes("extended"), "request: state extended");
  check((await page.textContent("#history")).includes("three archived systems"),
        "request: the reason is in the history");
  await pageChecks(page, "request (extended)");
  await shoot(page, "console-request");
  const afterExtend = (await api(apiBase, dpo, "GET", `/v1/rights/queue/${soon.request_id}`)).json;
  check(afterExtend.state === "extended" && afterExtend.due > soon.due,
        `API: extended, due ${afterExtend.due}`);

  // ---- the erasure request: identity, fulfil; the answer lists what is kept ----
  await page.goto(`${base}/console/requests/${erasure.request_id}?lang=en`);
  await page.fill("#identity-note", "Asked from the address on file, confirmed by phone");
  await submit(page, "form[action$='/identity'] button");
  check(await page.isVisible("#fulfil-form"), "erasure: the fulfil form is offered");
  await submit(page, "#fulfil-form button");
  const answer = await page.textContent("#answer");
  check(answer.includes("We erased your data"), "erasure: the answer is shown");
  check(/17\(3\)\((b|e)\)/.test(answer), "erasure: what is kept is listed with its legal ground");
  check(/fulfilled/.test(await page.textContent("#request-state")), "erasure: fulfilled");
  check(!(await page.isVisible("#fulfil-form")), "erasure: no more actions once answered");
  await pageChecks(page, "request (erasure fulfilled)");
  await shoot(page, "console-request-erasure");
  const read = await api(apiBase, crm, "GET", `/v1/subjects/${erased}?purpose=prospecting`,
                         undefined, true);
  check(read.status !== 200 && !JSON.stringify(read.json).includes(eraseEmail),
        `API: the erased subject is no longer served (${read.status})`);
  const decision = await api(apiBase, crm, "POST", "/v1/decisions",
                             { subject_id: erased, purpose: "prospecting" }, true);
  check(decision.status !== 200 || decision.json.allowed === false,
        `API: prospecting may no longer use the erased subject (${decision.status})`);

  // ---- disclosure register: record, approve ----
  await page.goto(`${base}/console/disclosures?lang=en`);
  await pageChecks(page, "disclosures");
  await page.selectOption("#authority_kind", "court");
  await page.fill("#authority", "Tribunal judiciaire de Lyon");
  await page.fill("#legal_reference", "Code de procédure pénale, art. 60-1");
  await page.fill("#requested_by", "Juge d'instruction, cabinet 4");
  await page.fill("#received", isoDaysAgo(2));
  await page.check("#cat-contact");
  await page.fill("#subjects", target);
  await page.fill("#description", "Contact details of one prospect");
  await submit(page, "#record-disclosure button");
  const disclosureId = /\/console\/disclosures\/(dis_[0-9a-z]+)/.exec(page.url());
  check(disclosureId !== null, "disclosure recorded: its page");
  check(!page.url().includes("@"), "disclosure: no address in the URL");
  check((await page.textContent("#disclosure-state")).includes("pending"), "disclosure: pending");
  await pageChecks(page, "disclosure (pending)");
  await page.fill("#approve-note", "Requisition signed by the investigating judge, checked");
  await submit(page, "#approve-form button");
  check((await page.textContent("#disclosure-state")).includes("approved"),
        "disclosure: approved by the DPO");
  check((await page.textContent("#history")).includes("investigating judge"),
        "disclosure: the decision is in the history");
  check(!(await page.isVisible("#approve-form")), "disclosure: decided once");
  await shoot(page, "console-disclosure");
  const viaApi = (await api(apiBase, dpo, "GET", `/v1/disclosures/${disclosureId[1]}`)).json;
  check(viaApi.state === "approved" && viaApi.subjects[0] === target &&
        viaApi.legal_reference === "Code de procédure pénale, art. 60-1",
        "API: the register holds the approved disclosure");
  await page.goto(`${base}/console/disclosures?lang=en`);
  check((await page.textContent("#disclosures")).includes("Tribunal judiciaire de Lyon"),
        "disclosures: listed in the register");
  await shoot(page, "console-disclosures");

  // ---- French ----
  await page.goto(`${base}/console/requests?lang=fr`);
  await pageChecks(page, "request queue (fr)");
  check((await page.textContent("main")).includes("File des demandes"), "queue in French");

  await submit(page, "form.logout button");

  // ---- support: refused the queue and the register ----
  const supportEmail = "support.agent@oxemis.example";
  const supportPassword = "a support password of some length";
  const sup = (await api(apiBase, dpo, "POST", "/v1/staff",
                         { display_name: "Support Agent", email: supportEmail,
                           roles: ["support"], password: supportPassword })).json.id;
  check(sup.startsWith("stf_"), "support member created");
  await page.goto(`${base}/console/login?lang=en`);
  await page.fill("#email", supportEmail);
  await page.fill("#password", supportPassword);
  await submit(page, "form.stack button");
  check(!(await page.isVisible("nav a[href^='/console/requests']")),
        "support: no link to the queue");
  for (const path of ["/console/requests", `/console/requests/${soon.request_id}`,
                      "/console/disclosures"]) {
    const res = await page.goto(`${base}${path}?lang=en`);
    check(res.status() === 403 && (await page.textContent("main")).includes("does not give access"),
          `support: ${path} refused`);
  }

  endChecks();
  await browser.close();
}

h.run(main);
