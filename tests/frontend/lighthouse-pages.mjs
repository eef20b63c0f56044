// Lighthouse's best-practices audit of several pages with one Chromium (test-only).
// Usage: node lighthouse-pages.mjs JOBS.json
//   JOBS: {"flags": [chromium flags], "pages": [{"url", "cookies": [{"name", "value"}]}]}
// Each page is audited in a fresh tab holding exactly its cookies (a signed-in session or none).
// Prints one JSON line: [{url, finalUrl, score, runtimeError, failures: [{id, title, items}]}].
import { readFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const jobs = JSON.parse(readFileSync(process.argv[2], "utf8"));
const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH, chromeFlags: jobs.flags });
const results = [];
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
  for (const job of jobs.pages) {
    const page = await browser.newPage();
    const origin = new URL(job.url).origin;
    await browser.deleteCookie(...(await browser.cookies()));
    for (const cookie of job.cookies || []) {
      await browser.setCookie({ ...cookie, domain: new URL(origin).hostname, path: "/" });
    }
    const { lhr } = await lighthouse(
      job.url,
      {
        port: chrome.port,
        onlyCategories: ["best-practices"],
        logLevel: "error",
        output: "json",
        // Best practices need no throttling, no screenshots and no blank page in between.
        throttlingMethod: "provided",
        disableFullPageScreenshot: true,
        skipAboutBlank: true,
      },
      undefined,
      page,
    );
    await page.close();
    const category = lhr.categories["best-practices"];
    const failures = category.auditRefs
      .filter((ref) => ref.weight > 0)
      .map((ref) => lhr.audits[ref.id])
      .filter((audit) => audit.score !== null && audit.score < 1)
      .map((audit) => ({ id: audit.id, title: audit.title, items: (audit.details && audit.details.items) || [] }));
    results.push({
      url: job.url,
      finalUrl: lhr.finalDisplayedUrl,
      score: category.score,
      runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null,
      failures,
    });
  }
  await browser.disconnect();
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results) + "\n");
