// Lumbung's charts: every element with [data-chart] names a JSON data island (a <script
// type="application/json"> written by Django's json_script, allowed by the CSP) that the server filled
// from the same selector as the stats API, with every label already translated. This file draws it with
// the vendored Apache ECharts (config/static/vendor/echarts/), loaded only when a page has a chart.
// The numbers are also in the table beside each chart and its CSV: the chart is never the only copy.
//
// Kinds: "line" and "bar" (categories + series), "graph" (nodes + links coloured by kind; a click on a
// node opens its url), "tilemap" (cells at row/col, one measure at a time). See includes/chart.html.
(function () {
  "use strict";
  if (window.LumbungCharts) {
    // The include is on the page more than once: the first copy of this file does the work.
    window.LumbungCharts.scan();
    return;
  }

  // The site's palette; the swatches of the HTML legends (.chart-swatch-N in charts.css) match it.
  var PALETTE = ["#1f5fa8", "#c2571a", "#1c7c3c", "#8a5a1f", "#7a3e9d", "#b42318", "#0f7c86", "#5b6477"];
  var lang = document.documentElement.lang || "id";
  var numbers = new Intl.NumberFormat(lang);
  var loading = null;

  function format(value) {
    return value === null || value === undefined ? "–" : numbers.format(value);
  }

  function loadECharts(src) {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.echarts); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function narrow(el) {
    return el.clientWidth < 480;
  }

  function baseOption(spec, el) {
    return {
      color: PALETTE,
      animation: false,
      aria: { enabled: true, label: { description: spec.title || "" } },
      textStyle: { fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif" },
      // Drawn in the canvas: an HTML tooltip would carry inline styles, which the CSP refuses.
      tooltip: { renderMode: "richText", confine: true, valueFormatter: format },
      legend: { bottom: 0, type: "scroll", textStyle: { fontSize: narrow(el) ? 11 : 12 } },
    };
  }

  function seriesOption(spec, el) {
    var option = baseOption(spec, el);
    var percent = !!spec.percent;
    option.tooltip.trigger = "axis";
    option.grid = { left: 8, right: 16, top: 24, bottom: spec.series.length > 1 ? 48 : 24, containLabel: true };
    option.xAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: { hideOverlap: true, fontSize: narrow(el) ? 10 : 12 },
    };
    option.yAxis = {
      type: "value",
      name: spec.yName || "",
      minInterval: percent ? 0 : 1,
      max: percent ? 100 : null,
      axisLabel: { formatter: function (v) { return format(v) + (percent ? "%" : ""); } },
    };
    if (spec.series.length < 2) option.legend.show = false;
    option.series = spec.series.map(function (s) {
      return {
        name: s.name,
        type: spec.kind,
        data: s.data,
        stack: spec.stack ? "total" : null,
        smooth: false,
        showSymbol: spec.categories.length <= 24,
        connectNulls: false,
      };
    });
    return option;
  }

  function graphOption(spec, el) {
    var option = baseOption(spec, el);
    var kinds = {};
    spec.kinds.forEach(function (k, i) { kinds[k.key] = PALETTE[i % PALETTE.length]; });
    var largest = Math.max.apply(null, spec.nodes.map(function (n) { return n.value || 0; }).concat([1]));
    var small = narrow(el);
    option.legend.show = false; // the legend of the edge kinds is HTML, under the chart
    option.series = [{
      type: "graph",
      layout: "force",
      roam: true,
      draggable: !small,
      // Laid out at once, not animated: the network is still when the page is read (and photographed).
      force: {
        repulsion: small ? 60 : 140,
        edgeLength: small ? [20, 60] : [40, 120],
        gravity: 0.12,
        layoutAnimation: false,
      },
      label: { show: !small, position: "right", fontSize: 11, formatter: "{b}" },
      labelLayout: { hideOverlap: true },
      emphasis: { focus: "adjacency", label: { show: true } },
      data: spec.nodes.map(function (n) {
        return {
          id: n.id,
          name: n.name,
          value: n.value,
          url: n.url,
          symbolSize: 8 + 22 * Math.sqrt((n.value || 0) / largest),
          itemStyle: { color: n.value ? PALETTE[3] : PALETTE[7] },
        };
      }),
      links: spec.links.map(function (l) {
        return {
          source: l.source,
          target: l.target,
          value: l.value,
          lineStyle: { color: kinds[l.kind], width: Math.min(1 + l.value, 5), opacity: 0.7, curveness: 0.1 },
        };
      }),
    }];
    return option;
  }

  // Each province a square: the side fits the width (at most 56 px), the element's height follows it.
  function tileSide(spec, el) {
    return Math.max(12, Math.min(56, Math.floor(el.clientWidth / spec.cols)));
  }

  function tilemapOption(spec, el, measure) {
    var option = baseOption(spec, el);
    var cols = [], rows = [], i;
    for (i = 0; i < spec.cols; i++) cols.push(i);
    for (i = 0; i < spec.rows; i++) rows.push(i);
    var values = spec.cells.map(function (c) { return c.values[measure] || 0; });
    var side = tileSide(spec, el);
    var largest = Math.max.apply(null, values.concat([0]));
    option.legend.show = false;
    option.grid = {
      left: Math.max(0, Math.floor((el.clientWidth - side * spec.cols) / 2)),
      top: 0,
      width: side * spec.cols,
      height: side * spec.rows,
    };
    option.xAxis = { type: "category", data: cols, show: false };
    option.yAxis = { type: "category", data: rows, show: false, inverse: true };
    option.visualMap = {
      min: 0,
      max: Math.max(largest, 1),
      calculable: false,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      itemHeight: side < 30 ? 120 : 180,
      itemWidth: 12,
      text: [format(largest), "0"],
      inRange: { color: ["#eef1f5", "#e9c58f", "#8a5a1f"] },
    };
    option.tooltip.formatter = function (p) {
      return p.data.name + ": " + format(p.data.value[2]);
    };
    option.series = [{
      type: "heatmap",
      name: spec.measures[measure],
      itemStyle: { borderColor: "#fff", borderWidth: side < 30 ? 1 : 2 },
      label: {
        // A short name and the number where a square has room; the number alone on a phone.
        show: true,
        fontSize: side < 30 ? 9 : 10,
        lineHeight: 12,
        formatter: function (p) {
          return side < 44 ? format(p.data.value[2]) : p.data.short + "\n" + format(p.data.value[2]);
        },
      },
      data: spec.cells.map(function (c) {
        return { name: c.name, short: c.short, url: c.url, value: [c.col, c.row, c.values[measure] || 0] };
      }),
    }];
    return option;
  }

  function sizeTilemap(spec, el) {
    el.style.height = tileSide(spec, el) * spec.rows + 48 + "px";
  }

  function measureSwitch(el, spec, chart) {
    if (spec.measures.length < 2) return;
    var wrap = document.createElement("div");
    wrap.className = "chart-measure";
    var label = document.createElement("label");
    var select = document.createElement("select");
    select.id = el.id + "-measure";
    label.htmlFor = select.id;
    label.textContent = spec.measureLabel || "";
    spec.measures.forEach(function (name, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = name;
      select.appendChild(option);
    });
    select.value = String(spec.measure || 0);
    select.addEventListener("change", function () {
      el.setAttribute("data-chart-measure", select.value);
      chart.setOption(tilemapOption(spec, el, Number(select.value)), { notMerge: true });
    });
    wrap.appendChild(label);
    wrap.appendChild(select);
    el.parentNode.insertBefore(wrap, el);
  }

  function draw(el, echarts) {
    var island = document.getElementById(el.getAttribute("data-chart"));
    if (!island) return;
    var spec = JSON.parse(island.textContent);
    if (spec.empty) return; // the server wrote "no data yet" instead
    if (spec.kind === "tilemap") sizeTilemap(spec, el);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var option;
    if (spec.kind === "graph") option = graphOption(spec, el);
    else if (spec.kind === "tilemap") {
      el.setAttribute("data-chart-measure", String(spec.measure || 0));
      option = tilemapOption(spec, el, spec.measure || 0);
    }
    else option = seriesOption(spec, el);
    chart.setOption(option);
    if (spec.kind === "graph" || spec.kind === "tilemap") {
      chart.on("click", function (p) {
        if (p.data && p.data.url) window.location.href = p.data.url;
      });
    }
    if (spec.kind === "tilemap") measureSwitch(el, spec, chart);
    // What the browser tests read: drawn, and how many series or nodes.
    el.setAttribute("data-chart-drawn", "true");
    el.setAttribute("data-chart-count", String(
      spec.kind === "graph" ? spec.nodes.length : spec.kind === "tilemap" ? spec.cells.length : spec.series.length
    ));
    return { chart: chart, el: el, spec: spec };
  }

  var charts = [];

  function scan() {
    var pending = Array.prototype.filter.call(document.querySelectorAll("[data-chart]"), function (el) {
      return !el.hasAttribute("data-chart-started");
    });
    if (!pending.length) return;
    pending.forEach(function (el) { el.setAttribute("data-chart-started", "true"); });
    loadECharts(pending[0].getAttribute("data-echarts-src")).then(function (echarts) {
      pending.forEach(function (el) {
        var drawn = draw(el, echarts);
        if (drawn) charts.push(drawn);
      });
    });
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      charts.forEach(function (drawn) {
        var spec = drawn.spec;
        if (spec.kind === "tilemap") {
          sizeTilemap(spec, drawn.el);
          drawn.chart.resize();
          var measure = Number(drawn.el.getAttribute("data-chart-measure") || 0);
          drawn.chart.setOption(tilemapOption(spec, drawn.el, measure), { notMerge: true });
        } else {
          drawn.chart.resize();
        }
      });
    }, 150);
  });

  window.LumbungCharts = { scan: scan, palette: PALETTE };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
