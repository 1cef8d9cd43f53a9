/* The dashboard's time charts: uPlot (installed from npm by the build, a classic script loaded
 * before the modules) with a threshold line, deployment markers and a y axis as wide as its
 * labels. `charts` is the dashboard's {id: uPlot} (the browser tests read it); `fmt(value, unit)`
 * is the shared core's number rule. */
import { el } from "/shared/core.js";

function markersPlugin(times) {
  return {
    hooks: {
      draw: [(u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.strokeStyle = "#7c3aed";
        ctx.setLineDash([3, 3]);
        ctx.lineWidth = 1;
        for (const t of times) {
          const x = Math.round(u.valToPos(t, "x", true));
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
}

// The y axis as wide as its longest label (uPlot's axis-autosize demo): "1,000 ms" whole,
// never cut to ",000 ms" by a fixed width.
function axisSize(u, values, axisIdx, cycleNum) {
  const axis = u.axes[axisIdx];
  if (cycleNum > 1) return axis._size;
  let size = axis.ticks.size + axis.gap;
  const longest = (values || []).reduce((a, v) => (String(v).length > a.length ? String(v) : a), "");
  if (longest) {
    u.ctx.font = axis.font[0];
    size += u.ctx.measureText(longest).width / uPlot.pxRatio;
  }
  return Math.ceil(size) + 4;
}

// `range`: the window shown, [first, last] in seconds. Without it uPlot sizes the x axis to the
// data, and one bucket of data becomes an axis of years.
export function drawChart(charts, id, container, { title, unit, xs, ys, threshold, markers = [], daily = true, range = null }, fmt) {
  if (charts[id]) charts[id].destroy();
  const points = ys.filter((v) => v != null).length;
  const box = el("figure", { class: "chart", id: `chart-${id}`, "data-points": String(points), "data-days": String(xs.length) });
  box.append(el("figcaption", { text: `${title} (${points} of ${xs.length} ${daily ? "days" : "buckets"} with data)` }));
  container.append(box);
  const series = [{}, { label: title, stroke: "#1a73e8", width: 2, spanGaps: false, points: { show: true, size: 4 }, value: (u, v) => fmt(v, unit) }];
  const data = [xs, ys];
  if (threshold != null) {
    series.push({ label: "threshold", stroke: "#d93025", dash: [6, 4], width: 1, points: { show: false }, value: (u, v) => fmt(v, unit) });
    data.push(xs.map(() => threshold));
  }
  const width = Math.max(260, Math.min(container.clientWidth || 600, 860));
  const chart = new uPlot({
    width, height: 170, series, plugins: markers.length ? [markersPlugin(markers)] : [],
    axes: [{}, { values: (u, vals) => vals.map((v) => fmt(v, unit)), size: axisSize }],
    scales: { x: { time: true, range: (u, min, max) => range || [min, max] } },
    legend: { live: true },
  }, data, box);
  charts[id] = chart;
  return chart;
}
