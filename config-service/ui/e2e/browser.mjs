// What the UI's browser scripts share: the headless Chromium they drive, signing in, and the
// canvas gestures. Each script runs under Node's test runner, started by a JUnit test through
// BrowserScripts (testkit), which passes SENDFLOWR_CHROMIUM.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

/** An environment variable the JUnit test must set. */
export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this script through its JUnit test`);
  return v;
}

/** Debian's Chromium, headless, with what it needs to run without a desktop. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.SENDFLOWR_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A page at the screenshots' size, accepting confirmation dialogs. */
export async function newPage(browser, timeoutMs = 10_000) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const p = await context.newPage();
  p.setDefaultTimeout(timeoutMs);
  p.on("dialog", (d) => d.accept());
  return p;
}

export async function signIn(p, ui, token) {
  await p.goto(ui);
  await p.locator('input[name="token"]').fill(token);
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.getByTestId("who").waitFor();
}

/** Saves a screenshot when SENDFLOWR_SCREENSHOT_DIR is set. */
export async function shot(p, name, options = {}) {
  const dir = process.env.SENDFLOWR_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await p.screenshot({ path: join(dir, name + ".png"), ...options });
}

/** The canvas's side panel and a node of the canvas. */
export const panel = (p) => p.getByTestId("side-panel");
export const node = (p, id) => p.locator(`.react-flow__node[data-id="${id}"]`);

/** Drags a connection from one node's source handle to another's target handle, as a mouse would. */
export async function connect(p, from, to) {
  const a = await node(p, from).locator(".react-flow__handle.source").boundingBox();
  const b = await node(p, to).locator(".react-flow__handle.target").boundingBox();
  assert.ok(a && b, `handles of ${from} and ${to} are on screen`);
  await p.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await p.mouse.down();
  await p.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await p.mouse.up();
}
