// End-to-end test of `ncodec serve` in headless Chromium, driven by playwright-core.
// Run by cli/tests/serve_browser.rs, which starts the server, makes the input files and
// compares what this script read off the page with `ncodec eval ... --json`.
//
// usage: node browser-test.mjs URL PHOTO SPEECH EVAL_JSON EMPTY FAKE_PNG CORRUPT_NCZ OUT_DIR
// prints one JSON object on standard output.
import { chromium } from "playwright-core";

const [url, photo, speech, evalJson, empty, fakePng, corruptNcz, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: node browser-test.mjs URL PHOTO SPEECH EVAL_JSON EMPTY FAKE_PNG CORRUPT_NCZ OUT_DIR");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const result = { pageErrors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => result.pageErrors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById("limit").textContent.length > 0);

  // Uploads through the file input and waits until the page shows that new job finished.
  const upload = async (path) => {
    const before = await page.evaluate(() => document.getElementById("job").dataset.id || "");
    await page.setInputFiles("#file-input", path);
    await page.waitForFunction((before) => {
      const job = document.getElementById("job");
      return !job.hidden && job.dataset.id && job.dataset.id !== before &&
        ["done", "failed", "cancelled"].includes(job.dataset.state);
    }, before, { timeout: 300_000, polling: 250 });
    return page.evaluate(() => document.getElementById("job").dataset.state);
  };
  const rows = () => page.$$eval("#results tbody tr", (trs) => trs.map((tr) => {
    const row = { contender: tr.dataset.contender, setting: Number(tr.dataset.setting) };
    for (const td of tr.querySelectorAll("td[data-field]")) row[td.dataset.field] = td.textContent;
    return row;
  }));
  const serverAlive = () => page.evaluate(async () => (await fetch("/api/config")).ok);

  // A photo: every row, the slider comparison, one re-encode from the quality slider.
  result.photoState = await upload(photo);
  result.photoRows = await rows();
  await page.selectOption("#recode-codec", "webp");
  await page.$eval("#recode-quality", (el) => { el.value = "55"; el.dispatchEvent(new Event("input")); });
  await page.waitForFunction(() => /bytes/.test(document.getElementById("recode-result").textContent), null, { timeout: 60_000 });
  result.recode = await page.textContent("#recode-result");
  result.rightCaption = await page.textContent("#right-caption");
  await page.$eval("#split", (el) => { el.value = "40"; el.dispatchEvent(new Event("input")); });
  await page.waitForFunction(() => document.getElementById("right-img").complete && document.getElementById("left-img").complete);
  await page.screenshot({ path: outDir + "/serve-image.png", fullPage: true });

  // Speech: every row, and a player per decoded file.
  result.speechState = await upload(speech);
  result.speechRows = await rows();
  result.players = await page.$$eval("#results audio", (els) => els.length);
  result.originalPlayer = await page.$eval("#original-audio", (el) => el.src);
  await page.screenshot({ path: outDir + "/serve-audio.png", fullPage: true });

  // The plot of an evaluation's JSON.
  await page.click(".tab[data-view=plot]");
  await page.setInputFiles("#plot-input", evalJson);
  await page.waitForSelector("#plot svg polyline");
  result.plotSeries = await page.$$eval("#plot svg polyline", (els) => els.length);
  await page.screenshot({ path: outDir + "/serve-plot.png", fullPage: true });
  await page.click(".tab[data-view=files]");

  // Bad uploads: a clear message each, and the server still answers.
  result.bad = {};
  await page.setInputFiles("#file-input", empty);
  await page.waitForSelector("#message:not([hidden])");
  result.bad.empty = { message: await page.textContent("#message"), alive: await serverAlive() };
  // A 1 GiB file dropped on the page (made of one 1 MiB blob referenced 1024 times, so
  // neither this script nor the browser holds a gigabyte).
  await page.evaluate(() => {
    const mebibyte = new Blob([new Uint8Array(1 << 20)]);
    const huge = new File(Array(1024).fill(mebibyte), "huge.bin");
    const transfer = new DataTransfer();
    transfer.items.add(huge);
    document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => /huge\.bin/.test(document.getElementById("message").textContent));
  result.bad.huge = { message: await page.textContent("#message"), alive: await serverAlive() };
  for (const [what, path] of [["fakePng", fakePng], ["corruptNcz", corruptNcz]]) {
    const state = await upload(path);
    result.bad[what] = { state, message: await page.textContent("#job-error"), alive: await serverAlive() };
  }
  // A file over the limit straight to the server (the page refuses it before uploading;
  // the test serves with --max-upload 8M; text, because the browser reports the body to
  // this script).
  result.bad.hugeDirect = await page.evaluate(async () => {
    const response = await fetch("/api/jobs?name=huge.bin", { method: "POST", body: "x".repeat(9 << 20) });
    return { status: response.status, message: (await response.json()).error };
  });
  result.bad.hugeDirect.alive = await serverAlive();
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
