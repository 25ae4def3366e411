// report.html in a real browser: Debian's headless Chromium driven by playwright-core (which
// downloads no browser of its own). The page must show at least four SVG charts with non-zero
// size and drawn marks, make no request other than for the file itself, and log no errors.
// CI installs chromium (apt-get install -y chromium gives /usr/bin/chromium); where it is
// absent this block does not run.

import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../src/report/report.js";
import { makeTinyRun } from "./tiny-run.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.runIf(existsSync(CHROMIUM))("report.html in headless Chromium", () => {
  let browser: Browser | undefined;
  let url: string;

  beforeAll(async () => {
    const dir = await makeTinyRun();
    url = pathToFileURL((await writeReport(dir)).html).href;
    // launch() gives each run a fresh temporary profile (user data dir), removed on close.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("shows at least four charts, requests nothing but the file, logs no errors", async () => {
    const context = await browser!.newContext({ viewport: { width: 1200, height: 900 }, serviceWorkers: "block" });
    const left: string[] = []; // requests that would have left the page's own file
    const requests: string[] = [];
    const errors: string[] = [];
    await context.route("**/*", async (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      left.push(u);
      return route.abort("blockedbyclient");
    });
    context.on("request", (r) => requests.push(r.url()));
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("websocket", (w) => left.push(w.url()));

    const response = await page.goto(url, { waitUntil: "load" });
    expect(response?.ok() ?? true).toBe(true);
    await page.waitForLoadState("networkidle");
    expect(await page.title()).toMatch(/^migsim report: baseline, risky$/);

    const charts = page.locator("figure.chart > svg");
    const n = await charts.count();
    expect(n).toBeGreaterThanOrEqual(4);
    for (let k = 0; k < n; k++) {
      const svg = charts.nth(k);
      await svg.scrollIntoViewIfNeeded();
      expect(await svg.isVisible()).toBe(true);
      const box = await svg.boundingBox();
      expect(box, `chart ${k}`).not.toBeNull();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(150);
      // The browser lays out the chart's marks (lines, areas, bars, points) with non-zero size.
      const drawn = await svg.evaluate((el) =>
        [...el.querySelectorAll(".role-mark path, .role-mark line")].filter((m) => {
          const b = (m as unknown as { getBBox(): { width: number; height: number } }).getBBox();
          return b.width > 0 || b.height > 0;
        }).length);
      expect(drawn, `chart ${k}: marks drawn`).toBeGreaterThan(3);
      // Its title (inside the SVG) is the one in the figure caption.
      const titles = await svg.locator(".role-title-text text").allTextContents();
      const caption = (await page.locator("figure.chart figcaption strong").nth(k).textContent()) ?? "";
      expect(titles.some((t) => t.length > 10 && caption.includes(t)), `chart ${k}: ${titles.join(" | ")} in "${caption}"`).toBe(true);
      expect(await svg.locator(".role-legend").count(), `chart ${k}: legend`).toBeGreaterThan(0);
    }
    expect(await page.locator("table.summary tbody tr").count()).toBeGreaterThan(20);

    expect(left).toEqual([]);
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
