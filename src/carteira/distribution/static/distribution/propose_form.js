// The proposal form: computing a proposal takes seconds (tens of seconds for large teams),
// so the button says so and the form is not sent twice.
(function () {
  const form = document.getElementById("proposal-form");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    const button = form.querySelector("button[type=submit]");
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    button.setAttribute("aria-busy", "true");
    button.textContent = button.dataset.busy;
  });
})();
