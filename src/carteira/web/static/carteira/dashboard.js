// The dashboard's trend chart: positivation and coverage over the stored readings.
(function () {
  const data = document.getElementById("trend-data");
  const canvas = document.getElementById("trend-chart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const trend = JSON.parse(data.textContent);
  const labels = document.getElementById("trend-labels").dataset;
  const lang = document.documentElement.lang || "pt-br";
  const day = new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", year: "2-digit" });
  new Chart(canvas, {
    type: "line",
    data: {
      labels: trend.points.map((p) => day.format(new Date(p.date + "T12:00:00"))),
      datasets: [
        { label: labels.positivation, data: trend.points.map((p) => p.positivation), borderColor: "#1565c0", tension: 0.2 },
        { label: labels.coverage, data: trend.points.map((p) => p.coverage), borderColor: "#2e7d32", tension: 0.2 },
      ],
    },
    options: {
      animation: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + " %" } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
