// The follower map: every follower's place in the follow order (x) against its creation
// date (y), one dot per follower coloured by verdict, campaigns outlined. Drawn on a
// <canvas> into one pixel buffer, so 100,000 followers take milliseconds, not 100,000
// DOM nodes. Reads the audit answer's `follower_map` and `campaigns`.
"use strict";

const FollowerMap = (() => {
  const PAD = { l: 80, r: 14, t: 14, b: 34 };
  const DAY_MS = 86400000;
  const VARS = { genuine: "--genuine", bought: "--bought", mass_follow: "--mass" };

  // A CSS colour as [r, g, b] (the canvas normalises any colour it accepts).
  function rgb(ctx, css) {
    ctx.fillStyle = "#000";
    ctx.fillStyle = css;
    const hex = ctx.fillStyle.startsWith("#") ? ctx.fillStyle : "#888888";
    return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }

  function colours(ctx, classes) {
    const style = getComputedStyle(document.documentElement);
    return classes.map((c) => rgb(ctx, style.getPropertyValue(VARS[c] || "--muted").trim() || "#888"));
  }

  const day = (iso) => Math.floor(Date.parse(iso) / DAY_MS);
  const dateOf = (d) => new Date(d * DAY_MS).toISOString().slice(0, 10);

  // Draw `map` (and outline `campaigns`) on `canvas` at `width` CSS pixels; returns
  // {dots, campaigns, ms} and sets them as data-* attributes of the canvas.
  function draw(canvas, map, campaigns, width) {
    const started = performance.now();
    const height = width < 520 ? 240 : 320;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const n = map.rank.length;
    let r0 = Infinity, r1 = -Infinity, d0 = Infinity, d1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const r = map.rank[i], d = map.created_day[i];
      if (r < r0) r0 = r;
      if (r > r1) r1 = r;
      if (d < d0) d0 = d;
      if (d > d1) d1 = d;
    }
    for (const c of campaigns) {
      d0 = Math.min(d0, day(c.created_from));
      d1 = Math.max(d1, day(c.created_to));
    }
    if (!(r1 > r0)) { r0 -= 1; r1 += 1; }
    if (!(d1 > d0)) { d0 -= 1; d1 += 1; }
    const plotW = width - PAD.l - PAD.r, plotH = height - PAD.t - PAD.b;
    const x = (r) => PAD.l + ((r - r0) / (r1 - r0)) * plotW;
    const y = (d) => PAD.t + (1 - (d - d0) / (d1 - d0)) * plotH;

    // Dots: straight into the pixel buffer, genuine first so the others show on top.
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const px = new Uint32Array(image.data.buffer);
    const palette = colours(ctx, map.classes).map(([r, g, b]) => (255 << 24) | (b << 16) | (g << 8) | r);
    const size = Math.max(1, Math.round(ratio * (n > 20000 ? 1 : 2)));
    const W = canvas.width, H = canvas.height;
    let dots = 0;
    for (const pass of [0, 1]) {
      for (let i = 0; i < n; i++) {
        const label = map.label[i];
        if ((label === 0) !== (pass === 0)) continue;
        const cx = Math.round(x(map.rank[i]) * ratio), cy = Math.round(y(map.created_day[i]) * ratio);
        const colour = palette[label] || 0xff888888;
        for (let dy = 0; dy < size; dy++) {
          const row = (cy + dy) * W;
          if (cy + dy < 0 || cy + dy >= H) continue;
          for (let dx = 0; dx < size; dx++) {
            if (cx + dx >= 0 && cx + dx < W) px[row + cx + dx] = colour;
          }
        }
        dots++;
      }
    }
    ctx.putImageData(image, 0, 0);

    // Axes and ticks.
    ctx.strokeStyle = "#c9ced8";
    ctx.lineWidth = 1;
    ctx.strokeRect(PAD.l, PAD.t, plotW, plotH);
    ctx.fillStyle = "#5b6475";
    ctx.font = "12px system-ui, sans-serif";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const d of [d0, (d0 + d1) / 2, d1]) {
      ctx.fillText(dateOf(d), PAD.l - 5, Math.min(Math.max(y(d), PAD.t + 6), PAD.t + plotH - 6));
    }
    ctx.textBaseline = "alphabetic";
    for (const [r, align] of [[r0, "left"], [Math.round((r0 + r1) / 2), "center"], [r1, "right"]]) {
      ctx.textAlign = align;
      ctx.fillText(Math.round(r).toLocaleString("en-US"), x(r), height - PAD.b + 16);
    }
    ctx.textAlign = "center";
    ctx.fillText(map.by === "rank" ? "follow order (rank, 0 = oldest follower)"
      : "follow order (by follow time)", PAD.l + plotW / 2, height - 4);

    // Campaigns: outlined boxes, ranks x creation dates, a few pixels of margin.
    ctx.strokeStyle = "#1d2330";
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    for (const c of campaigns) {
      const left = x(c.rank_from) - 3, right = x(c.rank_to) + 3;
      const top = y(day(c.created_to)) - 3, bottom = y(day(c.created_from)) + 3;
      ctx.strokeRect(left, top, Math.max(6, right - left), Math.max(6, bottom - top));
    }
    ctx.setLineDash([]);
    const result = { dots, campaigns: campaigns.length, ms: performance.now() - started };
    canvas.dataset.dots = String(result.dots);
    canvas.dataset.campaigns = String(result.campaigns);
    canvas.dataset.ms = result.ms.toFixed(1);
    return result;
  }

  return { draw, colours };
})();
