// The operator UI end to end in a real headless Chromium (Debian's, driven by playwright-core),
// against a running config service on a real database. OperatorUiBrowserTest (JUnit) starts the
// service and runs this file with `node --test`; it passes the service's address and tokens:
//   SENDFLOWR_UI_URL, SENDFLOWR_API_URL, SENDFLOWR_ADMIN_TOKEN, SENDFLOWR_VIEWER_TOKEN,
//   SENDFLOWR_CHROMIUM (browser binary), SENDFLOWR_SCREENSHOT_DIR (optional).
// The steps build on each other (sign in, create, bind, read back), so they run in order.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connect as drag, env, launch, newPage as openPage, node as canvasNode, panel as sidePanel, shot as screenshot, signIn } from "./browser.mjs";

const UI = env("SENDFLOWR_UI_URL");
const API = env("SENDFLOWR_API_URL");
const ADMIN = env("SENDFLOWR_ADMIN_TOKEN");
const VIEWER = env("SENDFLOWR_VIEWER_TOKEN");
const CREDENTIAL = "pk_live_UiSecret0815abc";
const XSS_NAME = '<img src=x onerror="window.__xss=1">';

let browser;
let page;

async function api(method, path, body, token = ADMIN, ifMatch) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch !== undefined) headers["If-Match"] = `"${ifMatch}"`;
  const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const shot = (name) => screenshot(page, name);
const newPage = () => openPage(browser);
const panel = () => sidePanel(page);
const node = (id) => canvasNode(page, id);
const connect = (from, to) => drag(page, from, to);

before(async () => {
  browser = await launch();
  page = await newPage();
});

after(async () => {
  await browser?.close();
});

test("the UI is served by the config service, with a strict content security policy", async () => {
  const res = await fetch(UI);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  // The pages need no token; the API still does.
  assert.equal((await fetch(API + "/intents")).status, 401);
});

test("signing in: a bad token is refused, the admin token shows its name and role", async () => {
  await page.goto(UI);
  await shot("sign-in");
  await page.locator('input[name="token"]').fill("sfc_not-a-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("This token is not valid").waitFor();
  await signIn(page, UI, ADMIN);
  assert.match(await page.getByTestId("who").textContent(), /admin/);
});

test("an ESP account's credential is stored but never shown again", async () => {
  await page.goto(UI + "#/accounts");
  await page.getByRole("button", { name: "New account" }).click();
  const form = page.locator(".side-panel");
  await form.locator('[name="account_id"]').fill("brand-a-klaviyo");
  await form.locator('[name="name"]').fill("Brand A Klaviyo");
  // Only Klaviyo has a bulk endpoint with limits of its own, so only it offers bulk limits.
  // A value typed before switching to an ESP without them is dropped, not sent hidden.
  await form.locator('[name="batch_rate_limit_per_second"]').fill("70");
  await form.locator('[name="esp"]').selectOption("braze");
  assert.equal(await form.locator('[name="batch_rate_limit_per_second"]').count(), 0);
  await form.locator('[name="esp"]').selectOption("klaviyo");
  assert.equal(await form.locator('[name="batch_rate_limit_per_second"]').inputValue(), "");
  await form.locator('[name="batch_rate_limit_per_second"]').fill("50");
  await form.locator('[name="credential"]').fill(CREDENTIAL);
  await form.getByRole("button", { name: "Create" }).click();
  await form.getByTestId("saved").waitFor();
  await page.getByTestId("credential-brand-a-klaviyo").getByText("set").waitFor();
  const saved = (await api("GET", "/esp-accounts/brand-a-klaviyo")).json;
  assert.equal(saved.batch_rate_limit_per_second, 50, "the bulk limit is stored");
  assert.equal(saved.batch_rate_limit_per_minute ?? null, null, "an empty one keeps the published limit");
  assert.equal(await form.locator('[name="credential"]').inputValue(), "", "the typed key is cleared");
  assert.ok(!(await page.content()).includes(CREDENTIAL), "the credential is nowhere in the page");
  await shot("accounts");
});

test("creating intent promo_jan and mapping site_visit onto it as a hot path by dragging", async () => {
  await page.goto(UI + "#/canvas");
  await page.getByRole("button", { name: "New intent" }).click();
  await panel().locator('[name="intent_id"]').fill("promo_jan");
  await panel().locator('[name="name"]').fill("Promo January");
  await panel().getByRole("button", { name: "Create" }).click();
  await panel().getByTestId("saved").waitFor();
  await node("intent:promo_jan").waitFor();

  await connect("signal:site_visit", "intent:promo_jan");
  await panel().getByText("New signal mapping").waitFor();
  assert.equal(await panel().locator('[name="role"]').inputValue(), "hot_path");
  await panel().locator('[name="source"]').fill("shopify");
  await panel().locator('[name="weight"]').fill("2");
  await panel().getByRole("button", { name: "Create" }).click();
  await panel().getByTestId("saved").waitFor();
  await page.locator('.react-flow__edge[data-id="mapping:site_visit.promo_jan"]').waitFor();
});

test("binding promo_jan to the Klaviyo account with campaign abc123 and template promo-drip", async () => {
  await connect("intent:promo_jan", "account:brand-a-klaviyo");
  await panel().getByText("New binding").waitFor();
  await panel().locator('[name="metric_name"]').fill("abc123");
  await panel().locator('[name="campaign_id"]').fill("abc123");
  await panel().locator('[name="template_id"]').fill("promo-drip");
  await panel().getByRole("button", { name: "Create" }).click();
  await panel().getByTestId("saved").waitFor();
  await page.locator('.react-flow__edge[data-id="binding:promo_jan-brand-a-klaviyo"]').waitFor();
  await shot("canvas");
});

test("what the canvas saved reads back through the API", async () => {
  const m = await api("GET", "/signal-mappings/site_visit.promo_jan");
  assert.equal(m.status, 200);
  assert.equal(m.json.signal_type, "site_visit");
  assert.equal(m.json.intent_id, "promo_jan");
  assert.equal(m.json.role, "hot_path");
  assert.equal(m.json.weight, 2);
  assert.equal(m.json.source, "shopify");
  const b = await api("GET", "/bindings?intent_id=promo_jan");
  assert.equal(b.json.items.length, 1);
  const binding = b.json.items[0];
  assert.equal(binding.account_id, "brand-a-klaviyo");
  assert.equal(binding.esp, "klaviyo");
  assert.equal(binding.campaign_id, "abc123");
  assert.equal(binding.metric_name, "abc123");
  assert.equal(binding.template_id, "promo-drip");
  assert.equal(binding.active, true);
  assert.equal(binding.dry_run, false);
  const audit = await api("GET", "/audit?entity_id=promo_jan");
  // Audited under the signed-in token's name.
  assert.equal(audit.json.items[0].actor, (await api("GET", "/me")).json.name);
});

test("the API's field errors show on the field", async () => {
  await page.locator('.react-flow__edge[data-id="mapping:site_visit.promo_jan"]').click({ force: true });
  await panel().getByText("Signal mapping").waitFor();
  await panel().locator('[name="decay"]').fill("soon");
  await panel().getByRole("button", { name: "Save" }).click();
  const err = panel().locator('[data-field-error="decay"]');
  await err.waitFor();
  assert.match(await err.textContent(), /ISO-8601 duration/);
  await shot("field-error");
  assert.equal((await api("GET", "/signal-mappings/site_visit.promo_jan")).json.decay, "PT30M", "nothing was saved");
});

test("a stale edit shows the version conflict and reloads the current version", async () => {
  await node("intent:promo_jan").click();
  await panel().getByText("Intent").first().waitFor();
  await panel().locator('[name="description"]').fill("edited in the browser");
  // Meanwhile someone else renames it through the API.
  const current = (await api("GET", "/intents/promo_jan")).json;
  const put = await api("PUT", "/intents/promo_jan", { ...current, name: "Promo January (renamed)" }, ADMIN, current.version);
  assert.equal(put.status, 200);
  await panel().getByRole("button", { name: "Save" }).click();
  const conflict = panel().getByTestId("version-conflict");
  await conflict.waitFor();
  assert.match(await conflict.textContent(), new RegExp(`version ${put.json.version}`));
  await shot("conflict");
  await conflict.getByRole("button", { name: "Reload the current version" }).click();
  await conflict.waitFor({ state: "detached" });
  assert.equal(await panel().locator('[name="name"]').inputValue(), "Promo January (renamed)");
  assert.equal(await panel().locator('[name="description"]').inputValue(), "");
});

test("an intent named with markup renders as text, never as HTML", async () => {
  const r = await api("POST", "/intents", { intent_id: "xss_probe", name: XSS_NAME, description: XSS_NAME });
  assert.equal(r.status, 201);
  await page.reload();
  const label = node("intent:xss_probe").locator(".node-label");
  await label.waitFor();
  assert.equal(await label.textContent(), XSS_NAME);
  await node("intent:xss_probe").click();
  assert.equal(await panel().locator('[name="name"]').inputValue(), XSS_NAME);
  await page.goto(UI + "#/audit");
  await page.getByTestId("audit-table").getByText("xss_probe").first().click();
  await page.getByTestId("audit-diff").getByText(JSON.stringify(XSS_NAME)).first().waitFor();
  // No element was made from the name, so nothing could run.
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
});

test("the audit history shows each change with before and after", async () => {
  await page.goto(UI + "#/audit");
  await page.getByLabel("Entity id").fill("promo_jan");
  const rows = page.getByTestId("audit-table").locator("tbody tr");
  await rows.filter({ hasText: "update" }).first().click();
  const diff = page.getByTestId("audit-diff");
  await diff.waitFor();
  const changed = diff.locator("tr.changed", { hasText: "name" });
  assert.match(await changed.textContent(), /Promo January.*Promo January \(renamed\)/);
  await shot("audit");
});

test("export carries the config but no credential; an import applies an edited file", async () => {
  await page.goto(UI + "#/transfer");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export" }).click();
  await download;
  const text = await page.getByLabel("Config file").inputValue();
  const file = JSON.parse(text);
  assert.ok(file.intents.some((i) => i.intent_id === "promo_jan"));
  assert.ok(!text.includes(CREDENTIAL));
  file.intents.find((i) => i.intent_id === "promo_jan").description = "imported";
  await page.getByLabel("Config file").fill(JSON.stringify(file));
  await page.getByRole("button", { name: "Import" }).click();
  await page.getByTestId("transfer-message").getByText("Imported").waitFor();
  assert.equal((await api("GET", "/intents/promo_jan")).json.description, "imported");
  const account = (await api("GET", "/esp-accounts/brand-a-klaviyo")).json;
  assert.equal(account.credential_set, true, "the import kept the stored credential");
});

test("the decision explorer shows a recipient's decisions and why the minute was chosen", async () => {
  // OperatorUiBrowserTest stored two decisions for u-1 in ClickHouse (d-1 at version 2).
  await page.goto(UI + "#/decisions");
  await page.getByLabel("Universal id").fill("u-1");
  await page.getByRole("button", { name: "Show decisions" }).click();
  const rows = page.getByTestId("decisions-table").locator("tbody tr");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  await rows.filter({ hasText: "d-1" }).click();
  const detail = page.getByTestId("decision-detail");
  await detail.waitFor();
  assert.equal(await detail.getByTestId("chosen-minute").textContent(), "Mon 21:00 UTC");
  assert.match(await detail.getByTestId("confidence").textContent(), /^0\.64 \(threshold 0\.2\)/);
  assert.match(await detail.getByTestId("latency").textContent(), /^42 s, learned/);
  // The recipient's curve by hour: all 168 hours over the week.
  const points = await detail.getByTestId("week-chart").getByTestId("curve").getAttribute("points");
  assert.equal(points.trim().split(" ").length, 168);
  for (const chart of ["week-chart", "zoom-chart"]) {
    assert.equal(await detail.getByTestId(chart).locator('[data-kind="chosen"]').count(), 1);
    assert.equal(await detail.getByTestId(chart).locator('[data-kind="runner-up"]').count(), 2);
  }
  assert.match(await detail.getByTestId("timeline").textContent(), /trigger, the target minus 42 s/);
  assert.match(await detail.getByTestId("suppression-windows").textContent(), /ticket_opened@zendesk: no send from .* to /);
  // ... and what dispatch did with it: accepted at Braze 0.3 s after the trigger.
  assert.match(
    await detail.getByTestId("dispatch").textContent(),
    /accepted at braze \(binding promo_jan@braze\), version 2, 0\.3 s after its trigger, HTTP 201/,
  );
  await shot("decisions");
  // The same box finds a decision by the explanation reference an ESP call carries.
  await page.getByLabel("Universal id").fill("expl:d-2");
  await page.getByRole("button", { name: "Show decisions" }).click();
  await page.getByTestId("decision-detail").getByText("d-2", { exact: true }).first().waitFor();
});

test("the overview counts the last hours' decisions, sends and dead letters", async () => {
  // OperatorUiBrowserTest stored one recent decision, its send and two dead letters.
  await page.goto(UI + "#/overview");
  const decisions = page.getByTestId("overview-decisions");
  await decisions.waitFor();
  assert.match(await decisions.textContent(), /promo_janscheduled1/);
  assert.match(await page.getByTestId("overview-outcomes").textContent(), /promo_janklaviyoaccepted1/);
  assert.match(await page.getByTestId("overview-dead-letters").textContent(), /timing-job\/signalsmalformed_json2/);
  await shot("overview");
});

test("a viewer sees everything, every control is disabled, and the API refuses anyway", async () => {
  const viewer = await newPage();
  const previous = page;
  page = viewer;
  try {
    await signIn(page, UI, VIEWER);
    assert.match(await page.getByTestId("who").textContent(), /viewer/);
    await node("intent:promo_jan").waitFor();
    await page.locator('.react-flow__edge[data-id="binding:promo_jan-brand-a-klaviyo"]').waitFor();
    assert.ok(await page.getByRole("button", { name: "New intent" }).isDisabled());

    // Dragging does not start a connection, so no draft appears.
    await connect("signal:sms_click", "intent:promo_jan");
    assert.equal(await panel().getByText("New signal mapping").count(), 0);

    await node("intent:promo_jan").click();
    await panel().getByTestId("read-only-note").waitFor();
    assert.ok(await panel().locator('[name="name"]').isDisabled());
    assert.ok(await panel().getByRole("button", { name: "Save" }).isDisabled());
    assert.ok(await panel().getByRole("button", { name: "Delete" }).isDisabled());
    await shot("viewer");

    await page.goto(UI + "#/accounts");
    assert.ok(await page.getByRole("button", { name: "New account" }).isDisabled());

    const refused = await api("POST", "/intents", { intent_id: "viewer_made", name: "no" }, VIEWER);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error, "forbidden");
    assert.equal((await api("GET", "/signal-mappings?intent_id=promo_jan")).json.items.length, 1);
  } finally {
    page = previous;
    await viewer.context().close();
  }
});
