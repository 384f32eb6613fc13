// The client page's charts: days without buying over the official readings (points
// coloured by status) and revenue per month over the last 24 months.
(function () {
  if (typeof Chart === "undefined") return;
  const lang = document.documentElement.lang || "pt-BR";
  const labels = document.getElementById("chart-labels").dataset;
  const STATUS_COLOURS = {
    prospect: "#1565c0", active: "#2e7d32", pre_inactive: "#f9a825",
    inactivated: "#ef6c00", inactive: "#c62828",
  };
  const read = (id) => {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  };

  const readings = read("readings-data");
  const daysCanvas = document.getElementById("days-chart");
  if (readings && daysCanvas) {
    const day = new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", year: "2-digit" });
    new Chart(daysCanvas, {
      type: "line",
      data: {
        labels: readings.map((r) => day.format(new Date(r.date + "T12:00:00"))),
        datasets: [{
          label: labels.days,
          data: readings.map((r) => r.days),
          stepped: true,
          borderColor: "#546e7a",
          pointRadius: 5,
          pointBackgroundColor: readings.map((r) => STATUS_COLOURS[r.status] || "#9e9e9e"),
        }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { display: false } },
      },
    });
  }

  const revenue = read("revenue-data");
  const revenueCanvas = document.getElementById("revenue-chart");
  if (revenue && revenueCanvas) {
    const month = new Intl.DateTimeFormat(lang, { month: "short", year: "2-digit" });
    const amount = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
    new Chart(revenueCanvas, {
      type: "bar",
      data: {
        labels: revenue.map((m) => month.format(new Date(m.month + "-15T12:00:00"))),
        datasets: [{ label: labels.revenue, data: revenue.map((m) => m.revenue), backgroundColor: "#1565c0" }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { ticks: { callback: (v) => amount.format(v) } } },
        plugins: { legend: { display: false } },
      },
    });
  }
})();
