// ncodec serve: the page. Plain JavaScript, no dependencies; talks only to this server.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { config: null, job: null, rows: new Map(), polling: null, recodeTimer: null };

// ---------- formatting ----------

const fmt = {
  int: (v) => (v == null ? "–" : Math.round(v).toLocaleString("en-US")),
  fixed: (digits) => (v) => (v == null ? "–" : Number(v).toFixed(digits)),
  ms: (v) => (v == null ? "–" : v < 10 ? v.toFixed(1) + " ms" : Math.round(v).toLocaleString("en-US") + " ms"),
  ratio: (v) => (v == null ? "–" : v.toFixed(3) + "×"),
};

function humanSize(bytes) {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return (u === 0 ? v : v.toFixed(1)) + " " + units[u];
}

// Columns of the results table per kind of file: [header, field of the point, format].
const COLUMNS = {
  image: [
    ["Bytes", "bytes", fmt.int], ["bpp", "bpp", fmt.fixed(4)], ["PSNR dB", "psnr", fmt.fixed(2)],
    ["MS-SSIM", "ms_ssim", fmt.fixed(4)], ["Encode", "encode_ms", fmt.ms], ["Decode", "decode_ms", fmt.ms],
  ],
  audio: [
    ["Bytes", "bytes", fmt.int], ["kbps", "kbps", fmt.fixed(3)], ["PESQ-WB", "pesq_wb", fmt.fixed(3)],
    ["PESQ-NB", "pesq_nb", fmt.fixed(3)], ["STOI", "stoi", fmt.fixed(3)],
    ["Encode", "encode_ms", fmt.ms], ["Decode", "decode_ms", fmt.ms],
  ],
  bytes: [
    ["Bytes", "bytes_out", fmt.int], ["bits/byte", "bits_per_byte", fmt.fixed(4)],
    ["vs xz", "bits_per_byte_vs_xz", fmt.ratio], ["Compress MB/s", "compress_mb_s", fmt.fixed(2)],
    ["Decompress MB/s", "decompress_mb_s", fmt.fixed(2)],
  ],
  ncz: [
    ["Bytes", "bytes", fmt.int], ["Decoded bytes", "decoded_bytes", fmt.int], ["Decode", "decode_ms", fmt.ms],
  ],
};

// ---------- messages ----------

function showMessage(el, text) {
  el.textContent = text;
  el.hidden = !text;
}

async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new Error("the server cannot be reached (" + e.message + "); is `ncodec serve` still running?");
  }
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : { error: await response.text() };
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

// ---------- uploading ----------

async function upload(file) {
  showMessage($("message"), "");
  const limit = state.config ? state.config.max_upload : Infinity;
  if (file.size === 0) {
    showMessage($("message"), "`" + file.name + "`: the file is empty: there is nothing to compress");
    return;
  }
  if (file.size > limit) {
    showMessage($("message"), "`" + file.name + "` is " + humanSize(file.size) + " and too large: this server takes files up to " +
      humanSize(limit) + " (start it with `ncodec serve --max-upload SIZE` to change that)");
    return;
  }
  stopPolling();
  try {
    const status = await api("/api/jobs?name=" + encodeURIComponent(file.name), { method: "POST", body: file });
    startJob(status);
  } catch (e) {
    showMessage($("message"), e.message);
  }
}

function startJob(status) {
  state.job = status;
  state.rows = new Map();
  $("results").querySelector("thead").innerHTML = "";
  $("results").querySelector("tbody").innerHTML = "";
  $("image-view").hidden = true;
  $("ncz-view").hidden = true;
  $("ncz-view").innerHTML = "";
  $("audio-view").hidden = true;
  $("audio-view").innerHTML = "";
  $("job-plot").innerHTML = "";
  $("left-select").innerHTML = "";
  $("right-select").innerHTML = "";
  $("recode-result").textContent = "";
  $("job").hidden = false;
  render(status);
  state.polling = setInterval(poll, 300);
}

function stopPolling() {
  if (state.polling) clearInterval(state.polling);
  state.polling = null;
}

async function poll() {
  if (!state.job) return;
  try {
    const status = await api("/api/jobs/" + state.job.id);
    if (!state.job || status.id !== state.job.id) return;
    state.job = status;
    render(status);
    if (["done", "failed", "cancelled"].includes(status.state)) stopPolling();
  } catch (e) {
    stopPolling();
    showMessage($("job-error"), e.message);
  }
}

// ---------- the job ----------

function render(status) {
  const job = $("job");
  job.dataset.id = status.id;
  job.dataset.state = status.state;
  job.dataset.modality = status.modality || "";
  $("job-title").textContent = status.name;
  $("job-info").textContent = describe(status);
  const progress = $("job-progress");
  progress.max = Math.max(status.total, 1);
  progress.value = status.done;
  const finished = ["done", "failed", "cancelled"].includes(status.state);
  $("job-current").textContent = finished
    ? status.state + " · " + status.done + " of " + status.total + " codings"
    : (status.state === "queued" ? "waiting for a worker" : status.done + " of " + (status.total || "?") + (status.current ? " · " + status.current : "")) +
      (status.cancel_requested ? " · cancelling after this coding" : "");
  $("cancel").disabled = finished || status.cancel_requested;
  showMessage($("job-error"), status.state === "failed" ? status.error || "the job failed" : "");
  $("unavailable").textContent = (status.unavailable || [])
    .map((u) => u.contender + " not measured: " + u.reason).join(" · ");
  $("same-as").textContent = status.info && status.info.same_as
    ? "The same figures as `" + status.info.same_as + "` (times differ from run to run)." : "";
  if (!status.modality || !COLUMNS[status.modality]) return;
  renderHead(status.modality);
  for (const row of status.results) addRow(status, row);
  if (status.modality === "image") renderImageView(status);
  if (status.modality === "audio") renderOriginalPlayer(status);
  if (status.modality === "ncz") renderNcz(status);
  if (status.modality === "image" || status.modality === "audio") renderJobPlot(status);
}

function describe(status) {
  const parts = [humanSize(status.size)];
  const info = status.info || {};
  if (status.modality) parts.push(status.modality);
  if (info.width) parts.push(info.width + "×" + info.height + " pixels" + (info.alpha_dropped ? " (alpha dropped)" : ""));
  if (info.seconds != null) parts.push(info.seconds.toFixed(2) + " s, " + info.sample_rate + " Hz, " + info.channels + " channel(s), compared at " + info.compared_at);
  if (info.codec) parts.push("codec " + info.codec + (info.lossy ? " (lossy)" : "") + ", " + info.chunks + " chunk(s)");
  return parts.join(" · ");
}

function renderHead(modality) {
  const thead = $("results").querySelector("thead");
  if (thead.dataset.modality === modality) return;
  thead.dataset.modality = modality;
  const cells = ["Codec"];
  if (modality === "image" || modality === "audio") cells.push("Setting");
  for (const [title] of COLUMNS[modality]) cells.push(title);
  if (modality === "audio") cells.push("Listen");
  if (modality === "image") cells.push("View");
  cells.push("Files");
  const textual = (c, i) => i < 2 || ["Listen", "View", "Files"].includes(c);
  thead.innerHTML = "<tr>" + cells.map((c, i) => `<th class="${textual(c, i) ? "text" : ""}">${c}</th>`).join("") + "</tr>";
}

const rowKey = (row) => row.contender + "@" + row.setting;

function fileUrl(name, download) {
  return "/api/jobs/" + state.job.id + "/files/" + encodeURIComponent(name) + (download ? "?download=1" : "");
}

function addRow(status, row) {
  const key = rowKey(row);
  if (state.rows.has(key)) return;
  const modality = status.modality;
  const tr = document.createElement("tr");
  tr.dataset.contender = row.contender;
  tr.dataset.setting = row.setting;
  if (row.contender.startsWith("ncodec") || (modality === "bytes" && row.point.kind === "ncodec")) tr.classList.add("ncodec");
  if (row.error) tr.classList.add("error");
  const add = (text, field, cls) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (field) td.dataset.field = field;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  };
  add(row.contender, "contender");
  if (modality === "image" || modality === "audio") add(row.label, "label", "text");
  if (row.error) {
    const td = add(row.error, "error", "text");
    td.colSpan = COLUMNS[modality].length + 2;
  } else {
    for (const [, field, format] of COLUMNS[modality]) add(format(row.point[field]), field);
    if (modality === "audio") {
      const td = add("", null, "text");
      if (row.decoded) {
        const audio = document.createElement("audio");
        audio.controls = true;
        audio.preload = "none";
        audio.src = fileUrl(row.decoded);
        td.appendChild(audio);
      }
    }
    if (modality === "image") {
      const td = add("", null, "text");
      if (row.decoded) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "compare";
        button.addEventListener("click", () => { $("right-select").value = key; updateViewer(); });
        td.appendChild(button);
      }
    }
    const files = add("", null, "text");
    const link = (name, text) => {
      const a = document.createElement("a");
      a.href = fileUrl(name, true);
      a.textContent = text;
      a.setAttribute("download", "");
      files.appendChild(a);
    };
    if (row.coded) link(row.coded, row.coded.split(".").slice(1).join("."));
    if (row.decoded) link(row.decoded, "decoded");
  }
  $("results").querySelector("tbody").appendChild(tr);
  state.rows.set(key, row);
  if (modality === "image" && row.decoded) addViewerChoice(row);
}

// ---------- photos: the side-by-side viewer and the quality slider ----------

function optionFor(row) {
  const option = document.createElement("option");
  option.value = rowKey(row);
  const p = row.point;
  option.textContent = row.contender + " " + row.label + " — " + fmt.fixed(3)(p.bpp) + " bpp, " +
    (p.psnr == null ? "exact" : fmt.fixed(2)(p.psnr) + " dB");
  return option;
}

function addViewerChoice(row) {
  for (const id of ["left-select", "right-select"]) $(id).appendChild(optionFor(row));
  if (!state.viewerPicked && row.contender.startsWith("ncodec-e")) {
    $("right-select").value = rowKey(row);
    updateViewer();
  }
}

function renderImageView(status) {
  const view = $("image-view");
  if (!view.hidden || !status.info || !status.info.original) return;
  view.hidden = false;
  state.viewerPicked = false;
  for (const id of ["left-select", "right-select"]) {
    const original = document.createElement("option");
    original.value = "original";
    original.textContent = "original (" + status.info.width + "×" + status.info.height + ")";
    $(id).prepend(original);
    $(id).value = "original";
  }
  const codecs = $("recode-codec");
  codecs.innerHTML = "";
  for (const s of status.info.slider || []) {
    const option = document.createElement("option");
    option.value = s.contender;
    option.textContent = s.contender;
    option.dataset.min = s.min;
    option.dataset.max = s.max;
    codecs.appendChild(option);
  }
  setRecodeRange();
  updateViewer();
}

function sourceOf(key) {
  if (key === "original") return { url: fileUrl(state.job.info.original), text: "original" };
  const row = state.rows.get(key);
  if (!row) return null;
  const p = row.point;
  return {
    url: fileUrl(row.decoded),
    text: row.contender + " " + row.label + ": " + fmt.int(p.bytes) + " bytes, " + fmt.fixed(4)(p.bpp) + " bpp, PSNR " +
      (p.psnr == null ? "∞ (exact)" : fmt.fixed(2)(p.psnr) + " dB") + ", MS-SSIM " + fmt.fixed(4)(p.ms_ssim),
  };
}

function updateViewer() {
  if (!state.job || !state.job.info || !state.job.info.original) return;
  const left = sourceOf($("left-select").value) || sourceOf("original");
  const right = sourceOf($("right-select").value) || sourceOf("original");
  if ($("left-img").getAttribute("src") !== left.url) $("left-img").src = left.url;
  if ($("right-img").getAttribute("src") !== right.url) $("right-img").src = right.url;
  $("left-caption").textContent = "Left: " + left.text;
  $("right-caption").textContent = "Right: " + right.text;
  for (const tr of $("results").querySelectorAll("tbody tr")) {
    tr.classList.toggle("selected", rowKey({ contender: tr.dataset.contender, setting: tr.dataset.setting }) === $("right-select").value);
  }
  layoutViewer();
}

function layoutViewer() {
  const info = state.job && state.job.info;
  if (!info || !info.width) return;
  let zoom = Number($("zoom").value);
  if (zoom === 0) {
    // Fit: as large as the viewer allows, up or down.
    const room = Math.max(120, window.innerHeight * 0.7 - 4);
    zoom = Math.min(($("viewer").clientWidth - 2) / info.width, room / info.height);
  }
  const width = Math.max(1, Math.round(info.width * zoom));
  for (const id of ["left-img", "right-img"]) $(id).style.width = width + "px";
  const split = Number($("split").value);
  $("right-img").style.clipPath = "inset(0 0 0 " + split + "%)";
  $("split-line").style.left = "calc(" + split + "% - 1px)";
}

function setRecodeRange() {
  const option = $("recode-codec").selectedOptions[0];
  if (!option) return;
  const range = $("recode-quality");
  range.min = option.dataset.min;
  range.max = option.dataset.max;
  range.value = Math.round((Number(option.dataset.min) + Number(option.dataset.max)) / 2);
  $("recode-value").textContent = range.value;
}

function scheduleRecode() {
  $("recode-value").textContent = $("recode-quality").value;
  clearTimeout(state.recodeTimer);
  state.recodeTimer = setTimeout(recode, 250);
}

async function recode() {
  const contender = $("recode-codec").value;
  const setting = $("recode-quality").value;
  if (!state.job || !contender) return;
  $("recode-result").textContent = "encoding " + contender + " at " + setting + "…";
  try {
    const row = await api("/api/jobs/" + state.job.id + "/recode?contender=" + encodeURIComponent(contender) + "&setting=" + setting, { method: "POST" });
    addRow(state.job, row);
    state.viewerPicked = true;
    $("right-select").value = rowKey(row);
    updateViewer();
    const p = row.point;
    $("recode-result").textContent = row.error ? row.error : row.contender + " " + row.label + ": " + fmt.int(p.bytes) + " bytes, " +
      fmt.fixed(4)(p.bpp) + " bpp, PSNR " + (p.psnr == null ? "∞" : fmt.fixed(2)(p.psnr) + " dB");
  } catch (e) {
    $("recode-result").textContent = e.message;
  }
}

// ---------- sounds ----------

function renderOriginalPlayer(status) {
  const view = $("audio-view");
  if (!view.hidden || !status.info || !status.info.original) return;
  view.hidden = false;
  view.innerHTML = "";
  const label = document.createElement("span");
  label.textContent = "Original (" + status.info.compared_at + ", what every version is compared with): ";
  const audio = document.createElement("audio");
  audio.controls = true;
  audio.preload = "none";
  audio.id = "original-audio";
  audio.src = fileUrl(status.info.original);
  const link = document.createElement("a");
  link.href = fileUrl(status.info.original, true);
  link.textContent = "download";
  link.setAttribute("download", "");
  view.append(label, audio, " ", link);
}

// ---------- .ncz files ----------

function renderNcz(status) {
  const view = $("ncz-view");
  const row = status.results[0];
  if (!row || !view.hidden) return;
  view.hidden = false;
  const type = row.point.content_type || "";
  if (type.startsWith("image/")) {
    const img = document.createElement("img");
    img.src = fileUrl(row.decoded);
    img.alt = "decoded photo";
    view.appendChild(img);
  } else if (type.startsWith("audio/")) {
    const audio = document.createElement("audio");
    audio.controls = true;
    audio.src = fileUrl(row.decoded);
    view.appendChild(audio);
  }
}

// ---------- plots ----------

const COLORS = ["#2463d6", "#d6452b", "#2a9d4b", "#9b3fc7", "#d68f00", "#00838f", "#6d4c41", "#c2185b", "#546e7a"];

function niceTicks(lo, hi, count) {
  if (!(hi > lo)) { hi = lo + 1; }
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

function svgEl(name, attrs, text) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text != null) el.textContent = text;
  return el;
}

// series: [{name, points: [[x, y], …]}]
function linePlot(container, series, xLabel, yLabel, title) {
  container.innerHTML = "";
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return;
  const W = 760, H = 420, L = 64, R = 170, T = 34, B = 48;
  let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const padX = (x1 - x0 || 1) * 0.05, padY = (y1 - y0 || 1) * 0.08;
  x0 = Math.max(0, x0 - padX); x1 += padX; y0 -= padY; y1 += padY;
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img" });
  svg.appendChild(svgEl("text", { x: L, y: 20, "font-weight": "600" }, title));
  for (const t of niceTicks(x0, x1, 6)) {
    svg.appendChild(svgEl("line", { x1: sx(t), x2: sx(t), y1: T, y2: H - B, stroke: "#eceff3" }));
    svg.appendChild(svgEl("text", { x: sx(t), y: H - B + 16, "text-anchor": "middle" }, String(t)));
  }
  for (const t of niceTicks(y0, y1, 6)) {
    svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: sy(t), y2: sy(t), stroke: "#eceff3" }));
    svg.appendChild(svgEl("text", { x: L - 6, y: sy(t) + 4, "text-anchor": "end" }, String(t)));
  }
  svg.appendChild(svgEl("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#9aa3ad" }));
  svg.appendChild(svgEl("text", { x: (L + W - R) / 2, y: H - 10, "text-anchor": "middle" }, xLabel));
  svg.appendChild(svgEl("text", { x: 14, y: (T + H - B) / 2, transform: `rotate(-90 14 ${(T + H - B) / 2})`, "text-anchor": "middle" }, yLabel));
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    if (pts.length > 1) {
      svg.appendChild(svgEl("polyline", { points: pts.map((p) => sx(p[0]) + "," + sy(p[1])).join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
    }
    for (const p of pts) svg.appendChild(svgEl("circle", { cx: sx(p[0]), cy: sy(p[1]), r: 3.5, fill: color }));
    const ly = T + 8 + i * 20;
    svg.appendChild(svgEl("line", { x1: W - R + 14, x2: W - R + 36, y1: ly, y2: ly, stroke: color, "stroke-width": 3 }));
    svg.appendChild(svgEl("text", { x: W - R + 42, y: ly + 4 }, s.name));
  });
  container.appendChild(svg);
}

function barPlot(container, bars, label, title) {
  container.innerHTML = "";
  if (bars.length === 0) return;
  const W = 760, rowH = 24, L = 150, R = 80, T = 34;
  const H = T + bars.length * rowH + 30;
  const max = Math.max(...bars.map((b) => b.value)) || 1;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img" });
  svg.appendChild(svgEl("text", { x: 10, y: 20, "font-weight": "600" }, title));
  bars.forEach((b, i) => {
    const y = T + i * rowH;
    const w = ((W - L - R) * b.value) / max;
    svg.appendChild(svgEl("text", { x: L - 8, y: y + 15, "text-anchor": "end" }, b.name));
    svg.appendChild(svgEl("rect", { x: L, y: y + 3, width: Math.max(w, 1), height: rowH - 7, fill: b.ncodec ? COLORS[0] : "#9aa3ad" }));
    svg.appendChild(svgEl("text", { x: L + w + 6, y: y + 15 }, b.value.toFixed(4)));
  });
  svg.appendChild(svgEl("text", { x: L, y: H - 8 }, label));
  container.appendChild(svg);
}

function seriesFrom(points, xField, yField) {
  const byContender = new Map();
  for (const p of points) {
    if (p[xField] == null || p[yField] == null) continue;
    if (!byContender.has(p.contender)) byContender.set(p.contender, []);
    byContender.get(p.contender).push([p[xField], p[yField]]);
  }
  return [...byContender].map(([name, pts]) => ({ name, points: pts }));
}

function renderJobPlot(status) {
  if (status.results.length === 0) return;
  const points = status.results.filter((r) => !r.error).map((r) => ({ contender: r.contender, ...r.point }));
  if (status.modality === "image") {
    linePlot($("job-plot"), seriesFrom(points, "bpp", "psnr"), "bits per pixel", "PSNR (dB)", status.name + ": rate against PSNR");
  } else {
    linePlot($("job-plot"), seriesFrom(points, "kbps", "pesq_wb"), "kbps", "PESQ-WB", status.name + ": rate against PESQ-WB");
  }
}

// The metric choices per kind of evaluation JSON: [label, x field, y field, y axis].
const PLOT_METRICS = {
  image: [["PSNR", "bpp", "psnr", "PSNR (dB)"], ["MS-SSIM (dB)", "bpp", "ms_ssim_db", "MS-SSIM (dB)"]],
  audio: [["PESQ-WB", "kbps", "pesq_wb", "PESQ-WB"], ["PESQ-NB", "kbps", "pesq_nb", "PESQ-NB"], ["STOI", "kbps", "stoi", "STOI"]],
};

function evalKind(report) {
  if (report && Array.isArray(report.curves) && Array.isArray(report.images)) return "image";
  if (report && Array.isArray(report.curves) && Array.isArray(report.files)) return "audio";
  if (report && Array.isArray(report.totals) && Array.isArray(report.rows) && report.reference) return "bytes";
  return null;
}

function plotReport() {
  const report = state.report;
  const kind = evalKind(report);
  const out = $("plot");
  if (kind === "bytes") {
    const bars = report.totals.filter((r) => r.bits_per_byte != null)
      .map((r) => ({ name: r.contender, value: r.bits_per_byte, ncodec: r.kind === "ncodec" }));
    barPlot(out, bars, "bits per byte over all files (lower is better)", "ncodec eval bytes: " + report.files.length + " file(s)");
    return;
  }
  const metric = PLOT_METRICS[kind].find((m) => m[0] === $("plot-metric").value) || PLOT_METRICS[kind][0];
  const series = report.curves.filter((c) => !c.lossless).map((c) => ({
    name: c.contender,
    points: c.points.filter((p) => p[metric[1]] != null && p[metric[2]] != null).map((p) => [p[metric[1]], p[metric[2]]]),
  })).filter((s) => s.points.length > 0);
  const count = kind === "image" ? report.images.length + " photo(s)" : report.files.length + " file(s)";
  linePlot(out, series, kind === "image" ? "bits per pixel (mean)" : "kbps (mean)", metric[3], "ncodec eval " + kind + ": " + count);
  if (kind === "image" && Array.isArray(report.bd_rates) && report.bd_rates.length) {
    const pct = (v) => (v == null ? "–" : (v > 0 ? "+" : "") + v.toFixed(1) + " %");
    const table = document.createElement("table");
    table.id = "bd-rates";
    table.innerHTML = "<thead><tr><th>Codec</th><th class=\"text\">against</th><th>BD-rate (PSNR)</th><th>BD-rate (MS-SSIM)</th><th class=\"text\">method</th></tr></thead>";
    const body = document.createElement("tbody");
    for (const bd of report.bd_rates) {
      const tr = document.createElement("tr");
      for (const [text, cls] of [[bd.test], [bd.anchor, "text"], [pct(bd.psnr)], [pct(bd.ms_ssim)], [bd.method, "text"]]) {
        const td = document.createElement("td");
        td.textContent = text;
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    table.appendChild(body);
    const note = document.createElement("p");
    note.className = "info";
    note.textContent = "BD-rate: the average change in rate at equal quality (negative: smaller files than the anchor); – where the curves do not overlap.";
    out.append(table, note);
  }
}

async function loadReport(file) {
  showMessage($("plot-message"), "");
  $("plot").innerHTML = "";
  let report;
  try {
    report = JSON.parse(await file.text());
  } catch (e) {
    showMessage($("plot-message"), "`" + file.name + "` is not JSON (" + e.message + ")");
    return;
  }
  const kind = evalKind(report);
  if (!kind) {
    showMessage($("plot-message"), "`" + file.name + "` is JSON but not what `ncodec eval image|audio|bytes --json` writes");
    return;
  }
  state.report = report;
  const select = $("plot-metric");
  select.innerHTML = "";
  for (const [label] of PLOT_METRICS[kind] || []) select.appendChild(new Option(label, label));
  select.disabled = kind === "bytes";
  plotReport();
}

// ---------- wiring ----------

function showView(name) {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.view === name);
  $("view-files").hidden = name !== "files";
  $("view-plot").hidden = name !== "plot";
}

async function init() {
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showView(tab.dataset.view));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) upload(e.dataTransfer.files[0]);
  });
  $("file-input").addEventListener("change", (e) => {
    if (e.target.files.length) upload(e.target.files[0]);
    e.target.value = "";
  });
  $("cancel").addEventListener("click", async () => {
    if (!state.job) return;
    try { render(await api("/api/jobs/" + state.job.id + "/cancel", { method: "POST" })); } catch (e) { showMessage($("job-error"), e.message); }
  });
  $("left-select").addEventListener("change", () => { state.viewerPicked = true; updateViewer(); });
  $("right-select").addEventListener("change", () => { state.viewerPicked = true; updateViewer(); });
  $("zoom").addEventListener("change", layoutViewer);
  $("split").addEventListener("input", layoutViewer);
  window.addEventListener("resize", layoutViewer);
  $("recode-codec").addEventListener("change", () => { setRecodeRange(); scheduleRecode(); });
  $("recode-quality").addEventListener("input", scheduleRecode);
  $("plot-input").addEventListener("change", (e) => { if (e.target.files.length) loadReport(e.target.files[0]); });
  $("plot-metric").addEventListener("change", plotReport);
  try {
    state.config = await api("/api/config");
    $("limit").textContent = "Files up to " + humanSize(state.config.max_upload) + ".";
    $("version").textContent = "ncodec " + state.config.version;
  } catch (e) {
    showMessage($("message"), e.message);
  }
}

init();
