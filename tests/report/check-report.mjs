// check-report.mjs: opens a report.html of primes from file:// in headless Chromium (Debian's, through
// playwright-core) and checks what a reader relies on: no console error or page error, no request that
// leaves the file, every plot drawn with a non-zero size, the tables holding the rows of the CSVs, the
// embedded runs.csv equal to the study's; then takes a screenshot.
// usage: node check-report.mjs REPORT.html SUMMARY.csv RUNS.csv SCREENSHOT.png
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [report, summaryCsv, runsCsv, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error("usage: node check-report.mjs REPORT.html SUMMARY.csv RUNS.csv SCREENSHOT.png");
  process.exit(2);
}
const failures = [];
const fail = (what) => failures.push(what);
const lines = (path) => readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on("console", (m) => { if (m.type() === "error") fail(`console error: ${m.text()}`); });
page.on("pageerror", (e) => fail(`page error: ${e.message}`));
const requests = [];
page.on("request", (r) => requests.push(r.url()));
const url = pathToFileURL(report).href;
await page.goto(url, { waitUntil: "load" });

// nothing but the file itself (and the data: URL of its own download link, never fetched on load)
for (const r of requests)
  if (r !== url && !r.startsWith("data:")) fail(`a request left the file: ${r}`);

// every plot visible, with a size
const figures = await page.$$("figure svg");
if (figures.length === 0) fail("no plot in the page");
for (const [i, svg] of figures.entries()) {
  const box = await svg.boundingBox();
  if (!box || box.width < 50 || box.height < 50) fail(`plot ${i} is not drawn (box ${JSON.stringify(box)})`);
  if (!(await svg.isVisible())) fail(`plot ${i} is not visible`);
}

// the tables: one row per configuration of the summary, and the runs as the CSV has them
const configs = lines(summaryCsv).length - 1;
const shown = await page.$$eval("table.runs tbody tr", (rows) => rows.length);
if (shown !== configs) fail(`the tables show ${shown} configurations, the summary has ${configs}`);
const runs = lines(runsCsv).length - 1;
const rawShown = await page.$$eval("table.raw tbody tr", (rows) => rows.length);
if (rawShown !== Math.min(runs, 200)) fail(`the raw table shows ${rawShown} rows, runs.csv has ${runs}`);
const href = await page.$eval("a[download]", (a) => a.getAttribute("href"));
const embedded = Buffer.from(href.replace(/^data:text\/csv;base64,/, ""), "base64").toString("utf8");
if (embedded !== readFileSync(runsCsv, "utf8")) fail("the embedded runs.csv is not the study's");

await page.screenshot({ path: screenshot, fullPage: false });
await browser.close();
if (failures.length) {
  for (const f of failures) console.error(`check-report: ${f}`);
  process.exit(1);
}
console.log(`check-report: ${figures.length} plots drawn, ${shown} configurations, ${runs} rows, ` +
  `${requests.length} request(s), all from the file; screenshot ${screenshot}`);
