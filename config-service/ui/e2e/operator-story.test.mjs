// The spec's user story by hand, in a real headless Chromium, against the config service AND the
// running jobs: OperatorStoryBrowserTest (local-runner) starts the service, the timing and dispatch
// jobs, the audit loader and the sandbox ESPs, and runs this file once per step, sending the
// requests itself between the steps. SENDFLOWR_STORY_STEP names the step:
//   configure  accounts for Klaviyo and Braze; intent promo_jan; Shopify site_visit dragged onto
//              it as a hot path; promo_jan bound to Klaviyo campaign abc123, template promo-drip
//   rebind     promo_jan dragged onto the Braze account: the new binding replaces Klaviyo's
//   explore    the decision the jobs made for the second request (SENDFLOWR_DECISION_ID) in the
//              explorer: its curve, its chosen minute, and its dispatch at Braze
// Also: SENDFLOWR_UI_URL, SENDFLOWR_API_URL, SENDFLOWR_ADMIN_TOKEN, SENDFLOWR_CHROMIUM,
// SENDFLOWR_SCREENSHOT_DIR (optional).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connect as drag, env, launch, newPage, node as canvasNode, panel as sidePanel, shot, signIn } from "./browser.mjs";

const UI = env("SENDFLOWR_UI_URL");
const API = env("SENDFLOWR_API_URL");
const ADMIN = env("SENDFLOWR_ADMIN_TOKEN");
const STEP = env("SENDFLOWR_STORY_STEP");

let browser;
let page;

async function api(path) {
  const res = await fetch(API + path, { headers: { Authorization: `Bearer ${ADMIN}` } });
  return { status: res.status, json: await res.json() };
}

const panel = () => sidePanel(page);
const node = (id) => canvasNode(page, id);
const connect = (from, to) => drag(page, from, to);

async function account(id, esp, credential) {
  await page.goto(UI + "#/accounts");
  await page.getByRole("button", { name: "New account" }).click();
  const form = page.locator(".side-panel");
  await form.locator('[name="account_id"]').fill(id);
  await form.locator('[name="name"]').fill(id);
  await form.locator('[name="esp"]').selectOption(esp);
  await form.locator('[name="credential"]').fill(credential);
  await form.getByRole("button", { name: "Create" }).click();
  await form.getByTestId("saved").waitFor();
}

before(async () => {
  browser = await launch();
  page = await newPage(browser, 15_000);
  await signIn(page, UI, ADMIN);
});

after(async () => {
  await browser?.close();
});

if (STEP === "configure") {
  test("the operator sets up promo_jan: accounts, a Shopify site_visit hot path, a Klaviyo binding", async () => {
    await account("brand-a-klaviyo", "klaviyo", env("SENDFLOWR_KLAVIYO_KEY"));
    await account("brand-a-braze", "braze", env("SENDFLOWR_BRAZE_KEY"));

    await page.goto(UI + "#/canvas");
    await page.getByRole("button", { name: "New intent" }).click();
    await panel().locator('[name="intent_id"]').fill("promo_jan");
    await panel().locator('[name="name"]').fill("Promo January");
    await panel().getByRole("button", { name: "Create" }).click();
    await panel().getByTestId("saved").waitFor();
    await node("intent:promo_jan").waitFor();

    await connect("signal:site_visit", "intent:promo_jan");
    await panel().getByText("New signal mapping").waitFor();
    await panel().locator('[name="source"]').fill("shopify");
    await panel().getByRole("button", { name: "Create" }).click();
    await panel().getByTestId("saved").waitFor();

    await connect("intent:promo_jan", "account:brand-a-klaviyo");
    await panel().getByText("New binding").waitFor();
    await panel().locator('[name="metric_name"]').fill("abc123");
    await panel().locator('[name="campaign_id"]').fill("abc123");
    await panel().locator('[name="template_id"]').fill("promo-drip");
    await panel().getByRole("button", { name: "Create" }).click();
    await panel().getByTestId("saved").waitFor();

    const bindings = (await api("/bindings?intent_id=promo_jan")).json.items;
    assert.equal(bindings.length, 1);
    assert.equal(bindings[0].account_id, "brand-a-klaviyo");
    assert.equal(bindings[0].campaign_id, "abc123");
    assert.equal(bindings[0].template_id, "promo-drip");
    assert.equal(bindings[0].active, true);
  });
}

if (STEP === "rebind") {
  test("the operator rebinds promo_jan to Braze on the canvas", async () => {
    await page.goto(UI + "#/canvas");
    await connect("intent:promo_jan", "account:brand-a-braze");
    await panel().getByText("New binding").waitFor();
    await panel().locator('[name="campaign_id"]').fill("braze-promo-jan");
    await panel().getByRole("button", { name: "Create" }).click();
    await panel().getByTestId("saved").waitFor();

    const active = (await api("/bindings?intent_id=promo_jan")).json.items.filter((b) => b.active);
    assert.equal(active.length, 1, "one binding in force");
    assert.equal(active[0].account_id, "brand-a-braze");
    assert.equal(active[0].campaign_id, "braze-promo-jan");
    await shot(page, "story-rebound");
  });
}

if (STEP === "explore") {
  test("the explorer shows the jobs' decision: its curve, its minute, its dispatch at Braze", async () => {
    const id = env("SENDFLOWR_DECISION_ID");
    await page.goto(UI + "#/decisions");
    await page.getByLabel("Universal id").fill(id);
    await page.getByRole("button", { name: "Show decisions" }).click();
    const detail = page.getByTestId("decision-detail");
    await detail.waitFor();
    assert.match(await detail.textContent(), new RegExp(`Decision ${id}`));
    assert.match(await detail.getByTestId("chosen-minute").textContent(), /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d UTC$/);
    const points = await detail.getByTestId("week-chart").getByTestId("curve").getAttribute("points");
    assert.equal(points.trim().split(" ").length, 168, "the recipient's curve, hour by hour");
    assert.equal(await detail.getByTestId("week-chart").locator('[data-kind="chosen"]').count(), 1);
    assert.match(await detail.getByTestId("dispatch").textContent(), /accepted at braze \(binding [^)]+\), version \d+, .* HTTP 201/);
    await shot(page, "story-explorer", { fullPage: true });
  });
}
