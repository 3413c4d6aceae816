// The audit page: load a graph, post it to the API, draw the report (SVG charts, the
// follower map on a canvas, tables). No framework and nothing from the internet; every
// number shown comes from the answer of /v1/audit (or /page/audit for a CSV pair and
// /v1/audit/import/{format} for platform exports, which give the same answer).
"use strict";

const NAMES = { genuine: "Genuine", bought: "Bought", mass_follow: "Mass followers" };
const SVG = "http://www.w3.org/2000/svg";
const state = { answer: null, source: null, rows: [], sort: { key: "rank", dir: 1 } };

const $ = (id) => document.getElementById(id);
const nameOf = (cls) => NAMES[cls] || cls.replace(/_/g, " ");
const pct = (v) => (v * 100).toFixed(1) + "%";
const int = (v) => v.toLocaleString("en-US");

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "style") Object.assign(node.style, v); // CSSOM: allowed by the page's CSP
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}

// ---- loading -------------------------------------------------------------------------

function headers(extra = {}) {
  const key = $("api-key");
  return key && key.value ? { ...extra, "X-API-Key": key.value } : extra;
}

function limit() {
  const n = parseInt($("limit").value, 10);
  return Number.isFinite(n) ? Math.max(0, Math.min(n, parseInt($("limit").max, 10))) : 20;
}

async function run(label, source, request) {
  $("problem").hidden = true;
  $("status").textContent = `Auditing ${label}…`;
  try {
    const response = await request();
    const raw = await response.text();
    let body = null;
    try { body = JSON.parse(raw); } catch { /* not JSON: a proxy's page, say */ }
    if (!response.ok) {
      $("report").hidden = true; // the report on screen belongs to another file
      return showProblem(body, response.status);
    }
    state.source = { label, ...source };
    state.raw = raw; // downloaded as the server sent it
    $("status").textContent = `Audit of ${label} loaded.`;
    render(body);
  } catch (err) {
    showProblem(null, 0, String(err));
  }
}

function auditJson(label, blob) {
  return run(label, { kind: "json", blob, name: label }, () => fetch(
    `/v1/audit?limit=${limit()}`,
    { method: "POST", body: blob, headers: headers({ "Content-Type": "application/json" }) }));
}

function csvForm() {
  const form = new FormData();
  for (const id of ["csv-accounts", "csv-edges"]) {
    const input = $(id);
    if (input.files[0]) form.append(input.name, input.files[0]);
  }
  form.append("target", $("csv-target").value);
  form.append("observed_at", $("csv-observed").value);
  return form;
}

function importForm() {
  const format = $("import-format").value;
  const form = new FormData();
  for (const input of document.querySelectorAll(`#import-${format} input[type=file]`)) {
    for (const file of input.files) form.append(input.name, file);
  }
  if (format === "instagram" && $("import-oldest-first").checked) form.append("oldest_first", "true");
  form.append("target", $("import-target").value);
  form.append("observed_at", $("import-observed").value);
  return { format, form };
}

function showImportFields() {
  const format = $("import-format").value;
  for (const box of document.querySelectorAll(".import-fields")) box.hidden = box.id !== `import-${format}`;
}

function showProblem(body, status, fallback) {
  $("status").textContent = "";
  const box = $("problem");
  const list = $("problem-errors");
  list.replaceChildren();
  $("problem-title").textContent = body && body.title
    ? `${body.title[0].toUpperCase()}${body.title.slice(1)} (${body.status})`
    : `Request failed${status ? ` (${status})` : ""}`;
  $("problem-detail").textContent = (body && body.detail) || fallback || "";
  const errors = (body && body.errors) || [];
  for (const e of errors.slice(0, 50)) {
    list.append(el("li", {}, e.path ? el("code", { class: "path" }, e.path) : "", " ", e.message));
  }
  if (errors.length > 50) list.append(el("li", {}, `and ${errors.length - 50} more`));
  box.hidden = false;
  box.focus();
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function downloadScores() {
  const src = state.source;
  let form = new FormData();
  if (src.kind === "json") form.append("graph", src.blob, src.name);
  else if (src.kind === "import") {
    for (const [k, v] of src.form.entries()) form.append(k, v);
    form.append("format", src.format);
  } else form = src.form;
  $("status").textContent = "Scoring every account…";
  const response = await fetch("/page/scores.csv", { method: "POST", body: form, headers: headers() });
  if (!response.ok) return showProblem(await response.json().catch(() => null), response.status);
  download(await response.blob(), `scores-${state.answer.target}.csv`);
  $("status").textContent = "Scores downloaded.";
}

// ---- the report ----------------------------------------------------------------------

function render(a) {
  state.answer = a;
  $("report").hidden = false;
  $("r-target").textContent = a.target;
  $("r-meta").textContent = `Source: ${state.source.label} · model ${a.model.id} (${a.model.version})`;
  setValue("r-followers", a.followers_analysed, int(a.followers_analysed));
  $("r-former").textContent = a.former_followers
    ? `plus ${int(a.former_followers)} former followers who unfollowed` : "no former followers";
  const q = a.quality;
  setValue("r-quality", q.score, q.score.toFixed(1));
  setValue("r-quality-ci", `${q.low}-${q.high}`,
    `${Math.round(q.confidence * 100)}% interval ${q.low.toFixed(1)}–${q.high.toFixed(1)}`);
  $("r-formula").textContent = q.formula;
  const g = a.shares.genuine;
  $("r-formula-worked").textContent = `100 × mean p(genuine) over ${int(a.followers_analysed)} ` +
    `followers = 100 × ${g.share} = ${q.score.toFixed(1)} (interval 100 × ` +
    `[${g.low}, ${g.high}] = [${q.low.toFixed(1)}, ${q.high.toFixed(1)}])`;
  renderShares(a.shares);
  const days = a.timeline.recent ? a.timeline.recent.days : 0;
  $("range-recent").textContent = days === 365 ? "Last 12 months" : `Last ${days} days`;
  renderTimeline();
  renderBursts(a.bursts);
  renderMap();
  renderCampaigns(a.campaigns);
  renderHistogram(a.score_histogram);
  renderTable();
  document.dispatchEvent(new CustomEvent("ffd:report", { detail: a })); // store.js: history
  $("r-warnings").replaceChildren(...(a.warnings.length ? [el("h3", {}, "Warnings"),
    el("ul", {}, ...a.warnings.map((w) => el("li", {}, el("code", {}, w.path), " ", w.message)))]
    : []));
  $("report").scrollIntoView({ block: "start" });
}

function setValue(id, raw, shown) {
  const node = $(id);
  node.textContent = shown;
  node.dataset.value = raw;
}

function renderShares(shares) {
  $("r-shares").replaceChildren(...Object.entries(shares).map(([cls, s]) => {
    const bar = el("div", { class: "bar", "aria-hidden": "true" },
      el("span", { class: `fill c-${cls}`, style: { width: `${s.share * 100}%` } }),
      el("span", { class: "ci", style: { left: `${s.low * 100}%`, width: `${(s.high - s.low) * 100}%` } }));
    const value = el("span", { class: "value", id: `share-${cls}`, "data-value": s.share }, pct(s.share));
    const ci = el("span", { class: "sub", id: `share-${cls}-ci`, "data-low": s.low, "data-high": s.high },
      `95% interval ${pct(s.low)}–${pct(s.high)}`);
    return el("div", { class: "share" }, el("span", { class: "label" }, nameOf(cls)), value, ci, bar);
  }));
}

// ---- charts --------------------------------------------------------------------------

// Charts are drawn at the width they are shown at, so their text stays legible on a phone.
const PAD = { l: 44, r: 12, t: 16, b: 34 };
let W = 720, H = 240;

function fit(box) {
  W = Math.round(Math.max(300, Math.min(1100, box.clientWidth || 720)));
  H = W < 520 ? 200 : 240;
}

function chart(title) {
  const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  svg.append(el("svg:title", {}, title));
  return svg;
}

function yAxis(svg, max) {
  const y = (v) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b);
  for (const v of [0, Math.round(max / 2), max]) {
    svg.append(el("svg:line", { x1: PAD.l, x2: W - PAD.r, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(el("svg:text", { x: PAD.l - 6, y: y(v) + 4, class: "tick end" }, int(Math.round(v))));
  }
  return y;
}

const seconds = (iso) => Date.parse(iso) / 1000;
function dateLabel(s, binSeconds) {
  const iso = new Date(s * 1000).toISOString();
  return binSeconds < 86400 ? iso.slice(0, 16).replace("T", " ") : iso.slice(0, binSeconds >= 2e6 ? 7 : 10);
}

function renderTimeline() {
  const a = state.answer;
  const range = document.querySelector("input[name=range]:checked").value;
  const t = range === "recent" && a.timeline.recent ? a.timeline.recent : a.timeline;
  const box = $("r-timeline");
  fit(box);
  if (!t.follows.length) {
    box.replaceChildren(el("p", {}, "No follow of the target has a time, so there is no timeline."));
    $("r-timeline-caption").textContent = "";
    return;
  }
  const n = t.follows.length, width = t.bin_seconds, start = seconds(t.start), end = start + n * width;
  const svg = chart(`Follows of ${a.target} per ${binName(width)}`);
  const y = yAxis(svg, Math.max(1, ...t.follows));
  const x = (s) => PAD.l + ((s - start) / (end - start)) * (W - PAD.l - PAD.r);
  const bw = (W - PAD.l - PAD.r) / n;
  t.follows.forEach((count, i) => {
    if (!count) return;
    const when = start + i * width;
    const sus = Math.min(count, t.expected_suspicious[i]);
    const tip = `${dateLabel(when, width)}: ${int(count)} follows, ~${sus.toFixed(1)} suspicious`;
    svg.append(el("svg:rect", { class: "follows", x: x(when) + bw * 0.1, y: y(count),
      width: Math.max(1, bw * 0.8), height: y(0) - y(count) }, el("svg:title", {}, tip)));
    svg.append(el("svg:rect", { class: "suspicious", x: x(when) + bw * 0.1, y: y(sus),
      width: Math.max(1, bw * 0.8), height: y(0) - y(sus) }));
  });
  // bursts last, translucent, so they stay visible over the bars they fall in
  const bursts = a.bursts.filter((b) => seconds(b.end) > start && seconds(b.start) < end);
  bursts.forEach((b) => {
    const x0 = x(Math.max(start, seconds(b.start))), x1 = x(Math.min(end, seconds(b.end)));
    const mid = (x0 + x1) / 2, half = Math.max(3, (x1 - x0) / 2);
    svg.append(el("svg:rect", { class: "burst", x: mid - half, y: PAD.t, width: 2 * half,
      height: H - PAD.t - PAD.b }, el("svg:title", {}, burstText(b))));
  });
  for (const s of [start, start + (end - start) / 2, end]) {
    const anchor = s === start ? "start" : s === end ? "end" : "middle";
    svg.append(el("svg:text", { x: x(s), y: H - PAD.b + 18, class: `tick ${anchor}` }, dateLabel(s, width)));
  }
  box.replaceChildren(svg, legend([["follows", "follows"], ["suspicious", "expected suspicious"],
    ["burst", "suspicious burst"]]));
  const total = t.follows.reduce((p, c) => p + c, 0);
  $("r-timeline-caption").textContent = `${int(total)} timed follows, counted per ` +
    `${binName(width)}, ${dateLabel(start, width)} to ${dateLabel(end, width)}; ${bursts.length} of ` +
    `${a.bursts.length} suspicious bursts in this range.` +
    (t.estimated ? " Some follow times are estimated from the follow order, not observed." : "");
}

function binName(s) {
  const names = { 3600: "hour", 21600: "6 hours", 86400: "day", 604800: "week", 2592000: "30 days",
    31536000: "year" };
  return names[s] || `${(s / 86400).toFixed(1)} days`;
}

function legend(items) {
  return el("ul", { class: "legend" }, ...items.map(([cls, text]) =>
    el("li", {}, el("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), text)));
}

function burstText(b) {
  const mix = Object.entries(b.shares).filter(([c]) => c !== "genuine")
    .map(([c, v]) => `${pct(v)} ${nameOf(c).toLowerCase()}`).join(", ");
  return `${b.start.replace("T", " ").slice(0, 16)} to ${b.end.replace("T", " ").slice(0, 16)} UTC: ` +
    `${int(b.follows)} follows where ${b.expected} were expected (${mix})` +
    (b.estimated ? "; times estimated from the follow order" : "");
}

function renderBursts(bursts) {
  const box = $("r-bursts");
  if (!bursts.length) {
    box.replaceChildren(el("p", {}, "No suspicious follow burst: followers arrived at their usual rate."));
    return;
  }
  const others = Object.keys(bursts[0].shares).filter((c) => c !== "genuine");
  const head = el("tr", {}, ...["Start (UTC)", "End (UTC)", "Follows", "Expected", "Accounts",
    ...others.map(nameOf)].map((h) => el("th", { scope: "col" }, h)));
  const rows = bursts.map((b) => el("tr", {},
    el("td", { class: "when" }, b.start.replace("T", " ").slice(0, 16)),
    el("td", { class: "when" }, b.end.replace("T", " ").slice(0, 16)),
    el("td", { class: "num" }, int(b.follows)), el("td", { class: "num" }, b.expected),
    el("td", { class: "num" }, int(b.accounts)),
    ...others.map((c) => el("td", { class: "num" }, pct(b.shares[c])))));
  box.replaceChildren(el("div", { class: "table-wrap" }, el("table", { id: "r-burst-table" },
    el("caption", {}, `${bursts.length} suspicious follow burst${bursts.length > 1 ? "s" : ""}` +
      (bursts.some((b) => b.estimated) ? " (times estimated from the follow order)" : "")),
    el("thead", {}, head), el("tbody", {}, ...rows))));
}

function renderHistogram(h) {
  fit($("r-histogram"));
  const svg = chart(`Followers by suspicion score (${h.of})`);
  const y = yAxis(svg, Math.max(1, ...h.counts));
  const x = (v) => PAD.l + v * (W - PAD.l - PAD.r);
  h.counts.forEach((count, i) => {
    const lo = h.edges[i], hi = h.edges[i + 1];
    const bar = el("svg:rect", { class: "hbar", x: x(lo) + 2, y: y(count), width: x(hi) - x(lo) - 4,
      height: y(0) - y(count), fill: `hsl(${120 - 120 * (lo + hi) / 2},55%,45%)` },
    el("svg:title", {}, `${lo}–${hi}: ${int(count)} followers`));
    svg.append(bar, el("svg:text", { x: x((lo + hi) / 2), y: y(count) - 3, class: "tick middle count" },
      int(count)));
  });
  for (const [v, anchor] of [[0, "start"], [0.5, "middle"], [1, "end"]]) {
    svg.append(el("svg:text", { x: x(v), y: H - PAD.b + 18, class: `tick ${anchor}` }, v));
  }
  $("r-histogram").replaceChildren(svg);
}

// ---- the follower map and its campaigns ------------------------------------------------

function renderMap() {
  const a = state.answer;
  const box = $("r-map");
  const map = a.follower_map;
  if (!map || !map.rank.length) {
    box.replaceChildren(el("p", {}, map ? "No follower has a creation date, so none can be placed."
      : "The followers have no order (neither ranks nor follow times), so there is no follower map."));
    $("r-map-caption").textContent = "";
    return;
  }
  fit(box);
  const canvas = el("canvas", { id: "r-map-canvas", role: "img",
    "aria-label": `Follower map of ${a.target}: ${int(map.shown)} followers by follow order ` +
      `against creation date, ${a.campaigns.length} campaigns outlined` },
  "Follow order against creation date, one dot per follower.");
  box.replaceChildren(canvas, legend([...map.classes.map((c) => [`c-${c}`, nameOf(c)]),
    ["campaign", "campaign (block of followers created together)"]]));
  FollowerMap.draw(canvas, map, a.campaigns, W);
  const notes = [];
  if (map.step > 1) notes.push(`every ${int(map.step)}th follower shown`);
  if (map.undated) notes.push(`${int(map.undated)} without a creation date not shown`);
  $("r-map-caption").textContent = `${int(map.followers)} followers in follow order ` +
    `(${map.by === "rank" ? "from their ranks" : "by follow time"}) against their creation date, ` +
    `coloured by predicted class; ${a.campaigns.length} campaign${a.campaigns.length === 1 ? "" : "s"} ` +
    `outlined.${notes.length ? ` ${notes.join("; ")}.` : ""} Blocks created together and ` +
    "delivered together show as dense horizontal streaks.";
}

function renderCampaigns(campaigns) {
  const box = $("r-campaigns");
  if (!campaigns.length) {
    box.replaceChildren(el("p", {}, state.answer.follower_map
      ? "No campaign: no block of consecutive followers whose creation dates cluster." : ""));
    return;
  }
  const head = el("tr", {}, ...["Ranks", "Followers", "Created", "Arrived", "Bought (model)",
    "False-alarm rate"].map((h) => el("th", { scope: "col" }, h)));
  const rows = campaigns.map((c) => el("tr", {},
    el("td", { class: "num" }, `${int(c.rank_from)}–${int(c.rank_to)}`),
    el("td", { class: "num" }, int(c.size)),
    el("td", { class: "when" }, `${c.created_from.slice(0, 10)} to ${c.created_to.slice(0, 10)}`),
    el("td", { class: "when" }, c.arrived_from ? `${c.arrived_from.slice(0, 10)} to ` +
      `${c.arrived_to.slice(0, 10)}${c.estimated ? " (estimated)" : ""}` : "unknown"),
    el("td", { class: "num" }, pct(c.bought_share)),
    el("td", { class: "num" }, c.false_alarm_rate.toPrecision(2))));
  box.replaceChildren(el("div", { class: "table-wrap" }, el("table", { id: "r-campaign-table" },
    el("caption", {}, `${campaigns.length} campaign${campaigns.length > 1 ? "s" : ""}: ` +
      "blocks of consecutive followers whose creation dates cluster"),
    el("thead", {}, head), el("tbody", {}, ...rows))));
}

// ---- the table -----------------------------------------------------------------------

function columns() {
  const classes = Object.keys(state.answer.shares);
  return [
    { key: "rank", title: "#", value: (f) => f.rank, num: true },
    { key: "id", title: "Account", value: (f) => f.id },
    { key: "label", title: "Predicted", value: (f) => nameOf(f.label) },
    { key: "suspicion", title: "Suspicion", value: (f) => f.suspicion, num: true },
    ...classes.map((c) => ({ key: `p_${c}`, title: `p(${nameOf(c).toLowerCase()})`,
      value: (f) => f.scores[c], num: true })),
    { key: "reasons", title: "Reasons", value: (f) => f.reasons.join("; ") },
  ];
}

function renderTable() {
  const cols = columns();
  const select = $("filter-label");
  select.replaceChildren(el("option", { value: "" }, "all classes"),
    ...Object.keys(state.answer.shares).map((c) => el("option", { value: c }, nameOf(c))));
  const head = $("r-table").tHead.rows[0];
  head.replaceChildren(...cols.map((c) => el("th", { scope: "col", "data-key": c.key },
    el("button", { type: "button", "data-key": c.key }, c.title))));
  state.rows = state.answer.suspicious_followers.map((f, i) => ({ ...f, rank: i + 1 }));
  state.sort = { key: "rank", dir: 1 };
  drawRows();
}

function drawRows() {
  const cols = columns();
  const { key, dir } = state.sort;
  const col = cols.find((c) => c.key === key);
  const text = $("filter-text").value.trim().toLowerCase();
  const label = $("filter-label").value;
  const rows = state.rows.filter((f) => (!label || f.label === label) && (!text ||
    f.id.toLowerCase().includes(text) || f.reasons.some((r) => r.toLowerCase().includes(text))));
  rows.sort((p, q) => {
    const a = col.value(p), b = col.value(q);
    return dir * (col.num ? a - b : String(a).localeCompare(String(b))) || p.rank - q.rank;
  });
  for (const th of $("r-table").tHead.rows[0].cells) {
    th.setAttribute("aria-sort", th.dataset.key === key ? (dir > 0 ? "ascending" : "descending") : "none");
  }
  $("r-table").tBodies[0].replaceChildren(...rows.map((f) => el("tr", { "data-id": f.id },
    ...cols.map((c) => {
      const v = c.value(f);
      if (c.key === "reasons") {
        return el("td", {}, el("ul", { class: "reasons" }, ...f.reasons.map((r) => el("li", {}, r))));
      }
      const shown = typeof v === "number" && c.key !== "rank" ? v.toFixed(4) : v;
      return el("td", { class: c.num ? "num" : "" }, shown);
    }))));
  $("filter-count").textContent = `Showing ${rows.length} of ${state.rows.length}` +
    ` (of ${int(state.answer.followers_analysed)} followers)`;
  document.dispatchEvent(new CustomEvent("ffd:rows")); // store.js: verdict buttons
}

function sortBy(key) {
  const s = state.sort;
  state.sort = { key, dir: s.key === key ? -s.dir : (key === "suspicion" || key.startsWith("p_") ? -1 : 1) };
  drawRows();
}

// ---- wiring --------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("example-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const name = $("example").value;
    const response = await fetch(`/examples/${encodeURIComponent(name)}`);
    if (!response.ok) return showProblem(await response.json().catch(() => null), response.status);
    auditJson(name, await response.blob());
  });
  $("json-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const file = $("json-file").files[0];
    if (file) auditJson(file.name, file);
  });
  $("csv-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = csvForm();
    const label = [$("csv-accounts"), $("csv-edges")].map((i) => i.files[0]?.name || "?").join(" + ");
    run(label, { kind: "csv", form }, () => fetch(`/page/audit?limit=${limit()}`,
      { method: "POST", body: form, headers: headers() }));
  });
  $("import-format").addEventListener("change", showImportFields);
  showImportFields();
  $("import-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const { format, form } = importForm();
    const names = [...form.values()].filter((v) => v instanceof File).map((f) => f.name);
    const label = `${format} export (${names.join(", ") || "no files"})`;
    run(label, { kind: "import", form, format }, () => fetch(
      `/v1/audit/import/${format}?limit=${limit()}`, { method: "POST", body: form, headers: headers() }));
  });
  $("download-json").addEventListener("click", () => download(
    new Blob([state.raw], { type: "application/json" }),
    `audit-${state.answer.target}.json`));
  $("download-csv").addEventListener("click", () => downloadScores().catch((e) => showProblem(null, 0, String(e))));
  $("r-table").tHead.addEventListener("click", (ev) => {
    const button = ev.target.closest("button");
    if (button) sortBy(button.dataset.key);
  });
  $("filter-text").addEventListener("input", drawRows);
  $("filter-label").addEventListener("change", drawRows);
  for (const radio of document.querySelectorAll("input[name=range]")) {
    radio.addEventListener("change", renderTimeline);
  }
  $("problem").tabIndex = -1;
  let pending = 0;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      if (!state.answer) return;
      renderTimeline();
      renderMap();
      renderHistogram(state.answer.score_histogram);
    }, 150);
  });
});
