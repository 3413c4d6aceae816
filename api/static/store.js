// The store on the audit page: the target's history (a chart of followers, joins and
// leaves over the stored snapshots), saving the audited graph as a snapshot, and the
// analyst's verdict buttons in the followers table. Loaded after page.js and driven by
// its events ("ffd:report" when a report is drawn, "ffd:rows" when the table is); it
// uses page.js's helpers ($, el, headers, int, nameOf, showProblem, state, chart, fit).
"use strict";

const LABEL_CLASSES = ["genuine", "bought", "mass_follow"];
const labelled = new Map(); // account id -> label given on this page

function storeOn() {
  return document.body.dataset.store === "1";
}

async function apiJson(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.headers || {}) });
  const body = await response.json().catch(() => null);
  return { response, body };
}

// ---- history -------------------------------------------------------------------------

async function loadHistory(target) {
  const box = $("history");
  if (!storeOn()) return;
  box.hidden = false;
  $("h-save").hidden = !(state.source && state.source.kind === "json");
  const { response, body } = await apiJson(`/v1/targets/${encodeURIComponent(target)}/history?ids=5`);
  if (response.status === 404) {
    $("h-status").textContent = `No snapshot of ${target} is stored yet.`;
    $("h-chart").replaceChildren();
    $("h-table").replaceChildren();
    return;
  }
  if (!response.ok) return showProblem(body, response.status);
  renderHistory(body);
}

function renderHistory(h) {
  const snaps = h.snapshots;
  $("h-status").textContent = `${snaps.length} snapshot${snaps.length === 1 ? "" : "s"} of ` +
    `${h.target}; ${int(h.churners.count)} churner${h.churners.count === 1 ? "" : "s"} ` +
    `(followed and left again); ${h.growth_anomalies.length} growth anomal` +
    `${h.growth_anomalies.length === 1 ? "y" : "ies"}.`;
  $("h-chart").replaceChildren(historyChart(h));
  const rows = snaps.map((s) => el("tr", { "data-id": s.id, class: s.change && s.change.anomalous ? "anomaly" : "" },
    el("td", {}, s.observed_at.slice(0, 10)),
    el("td", { class: "num" }, int(s.followers)),
    el("td", { class: "num" }, s.change ? "+" + int(s.change.joined.count) : "–"),
    el("td", { class: "num" }, s.change ? "−" + int(s.change.left.count) : "–"),
    el("td", { class: "num" }, s.summary.quality.toFixed(1)),
    el("td", {}, s.change && s.change.anomalous ? `anomaly (z = ${s.change.z.toFixed(1)})` : "")));
  $("h-table").replaceChildren(el("table", { id: "h-rows" },
    el("thead", {}, el("tr", {}, ...["Observed", "Followers", "Joined", "Left", "Quality", "Growth"]
      .map((t) => el("th", { scope: "col" }, t)))),
    el("tbody", {}, ...rows)));
}

function historyChart(h) {
  const snaps = h.snapshots;
  fit($("h-chart"));
  const svg = chart(`Followers of ${h.target} over ${snaps.length} snapshots, with joins and leaves`);
  const pad = { l: 64, r: 16, t: 14, b: 28 };
  const counts = snaps.map((s) => s.followers);
  const moves = snaps.flatMap((s) => s.change ? [s.change.joined.count, s.change.left.count] : [0]);
  const top = Math.max(1, ...counts), bottom = Math.min(...counts), span = Math.max(1, top - bottom);
  const mid = H - pad.b - (H - pad.t - pad.b) * 0.3; // joins/leaves band under the line
  const move = Math.max(1, ...moves);
  const x = (i) => pad.l + (snaps.length === 1 ? 0.5 : i / (snaps.length - 1)) * (W - pad.l - pad.r);
  const y = (v) => pad.t + (1 - (v - bottom) / span) * (mid - pad.t - 24);
  const band = (H - pad.b - mid) * 0.9;
  const bw = Math.max(3, Math.min(24, (W - pad.l - pad.r) / (2 * snaps.length)));
  svg.append(el("svg:line", { x1: pad.l, x2: W - pad.r, y1: mid + band / 2, y2: mid + band / 2, class: "grid" }));
  for (const [v, label] of [[top, int(top)], [bottom, int(bottom)]]) {
    svg.append(el("svg:text", { x: pad.l - 6, y: y(v) + 4, class: "tick end" }, label));
  }
  snaps.forEach((s, i) => {
    if (!s.change) return;
    const j = (s.change.joined.count / move) * band / 2, l = (s.change.left.count / move) * band / 2;
    svg.append(el("svg:rect", { class: "joins", x: x(i) - bw / 2, y: mid + band / 2 - j, width: bw / 2, height: j },
      el("svg:title", {}, `${s.observed_at.slice(0, 10)}: ${int(s.change.joined.count)} joined`)));
    svg.append(el("svg:rect", { class: "leaves", x: x(i), y: mid + band / 2, width: bw / 2, height: l },
      el("svg:title", {}, `${s.observed_at.slice(0, 10)}: ${int(s.change.left.count)} left`)));
  });
  svg.append(el("svg:polyline", { class: "followers-line", fill: "none",
    points: snaps.map((s, i) => `${x(i)},${y(s.followers)}`).join(" ") }));
  snaps.forEach((s, i) => svg.append(el("svg:circle", {
    class: s.change && s.change.anomalous ? "point anomaly" : "point", cx: x(i), cy: y(s.followers), r: 4 },
  el("svg:title", {}, `${s.observed_at.slice(0, 10)}: ${int(s.followers)} followers`))));
  for (const i of new Set([0, snaps.length - 1])) {
    svg.append(el("svg:text", { x: x(i), y: H - 8, class: `tick ${i ? "end" : "start"}` }, snaps[i].observed_at.slice(0, 10)));
  }
  return svg;
}

async function saveSnapshot() {
  const a = state.answer, source = state.source;
  if (!a || !source || source.kind !== "json") return;
  $("h-status").textContent = "Saving the snapshot…";
  const { response, body } = await apiJson(`/v1/targets/${encodeURIComponent(a.target)}/snapshots?limit=${limit()}`, {
    method: "POST", body: source.blob, headers: { "Content-Type": "application/json" } });
  if (!response.ok) {
    $("h-status").textContent = "The snapshot was not saved.";
    return showProblem(body, response.status);
  }
  await loadHistory(a.target);
  $("h-status").textContent = `Snapshot ${body.id} saved. ` + $("h-status").textContent;
}

// ---- verdicts in the followers table -------------------------------------------------

function addVerdictColumn() {
  if (!storeOn() || !state.answer) return;
  const head = $("r-table").tHead.rows[0];
  if (!head.querySelector("th.verdict")) head.append(el("th", { scope: "col", class: "verdict" }, "Analyst verdict"));
  for (const tr of $("r-table").tBodies[0].rows) {
    const id = tr.dataset.id;
    const row = state.rows.find((f) => f.id === id);
    const cell = el("td", { class: "verdict" });
    if (labelled.has(id)) {
      cell.append(el("span", { class: "done" }, `Labelled ${nameOf(labelled.get(id)).toLowerCase()}`));
    } else {
      for (const cls of LABEL_CLASSES) {
        const text = row && row.label === cls ? `Confirm ${nameOf(cls).toLowerCase()}` : nameOf(cls);
        cell.append(el("button", { type: "button", "data-label": cls, "data-account": id,
          "aria-label": `${text}: ${id}`, class: row && row.label === cls ? "confirm" : "correct" }, text));
      }
    }
    tr.append(cell);
  }
}

async function sendVerdict(button) {
  const account = button.dataset.account, label = button.dataset.label;
  const row = state.rows.find((f) => f.id === account);
  const note = row && row.label === label ? "confirmed on the audit page"
    : `corrected on the audit page (predicted ${row ? row.label : "?"})`;
  button.disabled = true;
  const { response, body } = await apiJson("/v1/labels", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify([{ account, label, note }]) });
  if (!response.ok) {
    button.disabled = false;
    return showProblem(body, response.status);
  }
  labelled.set(account, label);
  $("status").textContent = `Labelled ${account} as ${nameOf(label).toLowerCase()} (by ${body.labels[0].created_by}).`;
  const cell = button.closest("td");
  cell.replaceChildren(el("span", { class: "done" }, `Labelled ${nameOf(label).toLowerCase()}`));
}

document.addEventListener("ffd:report", (ev) => {
  loadHistory(ev.detail.target).catch((e) => showProblem(null, 0, String(e)));
});
document.addEventListener("ffd:rows", addVerdictColumn);
document.addEventListener("DOMContentLoaded", () => {
  if (!storeOn()) return;
  $("h-save").addEventListener("click", () => saveSnapshot().catch((e) => showProblem(null, 0, String(e))));
  $("r-table").tBodies[0].addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-label]");
    if (button) sendVerdict(button).catch((e) => showProblem(null, 0, String(e)));
  });
});
