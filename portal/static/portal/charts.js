/* Draws every <figure class="chart" data-chart="…"> of a page with ECharts (vendored under
   static/vendor/echarts/), from the JSON the template put beside it (json_script): no inline
   script, so the strict Content-Security-Policy holds. The table under each chart holds the
   same numbers; without this script the figure stays hidden and the table is the page.
   Chart data (portal/charts.py): {kind: "pie"|"bar"|"line", title, sentence,
   items: [{name, value, children?}]}, values in 万元 as strings. */
(function () {
  "use strict";
  if (!window.echarts) { return; }

  var PALETTE = ["#9b1c1c", "#1a4f9c", "#2f7d4f", "#b8610a", "#5b3f8c", "#4a5468", "#0f7b84", "#a3366b"];

  function number(item) { return Number(item.value); }

  function wan(value) { return Number(value).toFixed(2) + " 万元"; }

  function pieOption(data) {
    return {
      color: PALETTE,
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + wan(p.value) + "（" + p.percent + "%）"; } },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}\n{d}%" },
        data: data.items.map(function (item) { return { name: item.name, value: number(item) }; })
      }]
    };
  }

  function barOption(items) {
    return {
      color: PALETTE,
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + wan(p.value); } },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", name: "万元" },
      yAxis: {
        type: "category",
        inverse: true,
        data: items.map(function (item) { return item.name; }),
        axisLabel: { width: 150, overflow: "break" }
      },
      series: [{
        type: "bar",
        data: items.map(function (item) {
          return { value: number(item), itemStyle: { color: item.children ? PALETTE[1] : PALETTE[0] } };
        })
      }]
    };
  }

  function lineOption(data) {
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", valueFormatter: wan },
      grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.items.map(function (item) { return item.name; }) },
      yAxis: { type: "value", name: "万元" },
      series: [{ type: "line", data: data.items.map(number), label: { show: true } }]
    };
  }

  function draw(figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    var canvas = figure.querySelector(".chart-canvas");
    if (!source || !canvas) { return; }
    var data = JSON.parse(source.textContent);
    figure.hidden = false;
    var rows = data.kind === "bar" ? data.items.length : 0;
    canvas.style.height = Math.max(280, rows * 36 + 40) + "px";
    var chart = window.echarts.init(canvas, null, { renderer: "svg", locale: "ZH" });

    if (data.kind === "pie") { chart.setOption(pieOption(data)); }
    else if (data.kind === "line") { chart.setOption(lineOption(data)); }
    else {
      // Expenditure by 类; a bar with 款/项 under it opens them, the button goes back up.
      var stack = [data.items];
      var back = figure.querySelector(".chart-back");
      var show = function () {
        var items = stack[stack.length - 1];
        canvas.style.height = Math.max(280, items.length * 36 + 40) + "px";
        chart.resize();
        chart.setOption(barOption(items), true);
        if (back) { back.hidden = stack.length === 1; }
      };
      chart.on("click", function (params) {
        var item = stack[stack.length - 1][params.dataIndex];
        if (item && item.children) { stack.push(item.children); show(); }
      });
      if (back) { back.addEventListener("click", function () { stack.pop(); show(); }); }
      show();
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var figures = document.querySelectorAll("figure.chart[data-chart]");
  for (var i = 0; i < figures.length; i++) { draw(figures[i]); }
}());
