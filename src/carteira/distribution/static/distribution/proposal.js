// Bars of workload and revenue per seller, today vs proposed (data from json_script).
(function () {
  const dataEl = document.getElementById("proposal-chart");
  if (!dataEl || typeof Chart === "undefined") return;
  const data = JSON.parse(dataEl.textContent);
  function bars(id, before, after, title, extra) {
    const el = document.getElementById(id);
    if (!el) return;
    const datasets = [
      { label: data.text.before, data: before },
      { label: data.text.after, data: after },
    ];
    if (extra) datasets.push(extra);
    new Chart(el, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: { plugins: { title: { display: true, text: title } }, animation: false },
    });
  }
  bars("workload-chart", data.before, data.after, data.text.workload,
    { label: data.text.capacity, data: data.capacity, type: "line" });
  bars("revenue-chart", data.revenueBefore, data.revenueAfter, data.text.revenue);
})();
