// The goals grid takes a block pasted from Excel (or any spreadsheet): tab-separated
// columns, one line per row. The block fills the grid from the cell it is pasted into,
// rightwards and downwards, as typed; the server checks every cell when the grid is saved
// and saves nothing if one is wrong.
(function () {
  const form = document.getElementById("goal-grid-form");
  const textEl = document.getElementById("paste-text");
  if (!form || !textEl) return;
  const text = JSON.parse(textEl.textContent);
  const status = document.getElementById("paste-status");
  const rows = Array.from(form.querySelectorAll(".goal-grid tbody tr")).map(
    (tr) => Array.from(tr.querySelectorAll("input[type=text]"))
  ).filter((cells) => cells.length);

  function position(input) {
    for (let r = 0; r < rows.length; r++) {
      const c = rows[r].indexOf(input);
      if (c >= 0) return [r, c];
    }
    return null;
  }

  // Excel ends the block with a line break and quotes a cell holding one; cells are kept
  // as text (pt-BR "1.234,56", "70%"), never re-formatted here.
  function parse(block) {
    const lines = block.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
    return lines.map((line) => line.split("\t").map((cell) => cell.replace(/^"(.*)"$/s, "$1").trim()));
  }

  // Moving like a spreadsheet: Enter and ↑/↓ go to the cell above or below, ←/→ to the
  // cell beside when the caret is already at the text's edge.
  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || event.altKey || event.ctrlKey || event.metaKey) return;
    const at = position(input);
    if (!at) return;
    const [r, c] = at;
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const atEnd = input.selectionStart === input.value.length;
    const moves = {
      ArrowUp: [r - 1, c], ArrowDown: [r + 1, c], Enter: [event.shiftKey ? r - 1 : r + 1, c],
      ArrowLeft: atStart ? [r, c - 1] : null, ArrowRight: atEnd ? [r, c + 1] : null,
    };
    const to = moves[event.key];
    const next = to && rows[to[0]] && rows[to[0]][to[1]];
    if (!next) return;
    event.preventDefault();  // Enter would submit the grid
    next.focus();
    next.select();
  });

  form.addEventListener("paste", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
    const block = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(block.replace(/\n$/, ""))) return;  // one value: the browser pastes it
    const start = position(input);
    if (!start) return;
    event.preventDefault();
    let filled = 0;
    let left = 0;
    parse(block).forEach(function (values, i) {
      values.forEach(function (value, j) {
        const row = rows[start[0] + i];
        const cell = row && row[start[1] + j];
        if (!cell) { left += 1; return; }
        cell.value = value;
        cell.removeAttribute("aria-invalid");
        cell.classList.add("pasted");
        filled += 1;
      });
    });
    const lines = [text.pasted.replace("%s", filled)];
    if (left) lines.push(text.tooMany.replace("%s", left));
    status.textContent = lines.join(" ");
    form.dataset.pasted = String(filled);
  });
})();
