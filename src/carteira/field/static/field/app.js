/* Carteira's field app: the seller's agenda and client cards kept in IndexedDB, what the
   seller logs queued there in order, sent when the network returns (carteira.field,
   docs/adr/0023-offline-sync.md). No framework: the DOM, idb (vendored) and fetch. */
"use strict";

(function () {
  const body = document.body;
  const LABELS = JSON.parse(document.getElementById("labels").textContent);
  const W = JSON.parse(document.getElementById("words").textContent);
  const USER = body.dataset.user;
  const DB_NAME = "carteira-campo";
  const view = document.getElementById("view");
  let db = null;
  let syncing = null;
  // navigator.onLine only says whether there is a network interface; a failed request
  // says more (a warehouse with a bar of signal and no data).
  let reachable = null;
  const online = () => navigator.onLine && reachable !== false;

  // ---- the local store --------------------------------------------------------------
  function openStore() {
    return idb.openDB(DB_NAME, 1, {
      upgrade(database) {
        database.createObjectStore("meta");
        database.createObjectStore("clients", { keyPath: "id" });
        database.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      },
    });
  }

  async function wipe() {
    if (db) { db.close(); db = null; }
    await idb.deleteDB(DB_NAME);
  }

  const meta = (key) => db.get("meta", key);
  const setMeta = (key, value) => db.put("meta", value, key);

  // ---- formatting ---------------------------------------------------------------------
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
  const money = (value) => Number(value).toLocaleString("pt-BR", { style: "currency", currency: "BRL" });
  const day = (iso) => new Date(iso + "T12:00:00").toLocaleDateString("pt-BR", { weekday: "short", day: "2-digit", month: "2-digit" });
  const when = (iso) => new Date(iso).toLocaleString("pt-BR", { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  const localDate = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 10);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function digits(phone) {
    let number = (phone || "").replace(/\D/g, "");
    if (number.length === 10 || number.length === 11) number = "55" + number;
    return number;
  }

  // ---- status line --------------------------------------------------------------------
  async function showStatus() {
    const network = document.getElementById("network");
    network.textContent = online() ? W.online : W.offline;
    network.className = "pill " + (online() ? "on" : "off");
    const synced = db && await meta("synced_at");
    document.getElementById("synced").textContent = synced ? fill(W.synced, { when: when(synced) }) : W.never;
    const pending = db ? (await db.getAll("queue")).filter((item) => item.state === "pending").length : 0;
    document.getElementById("pending").textContent = pending ? fill(W.pending, { count: pending }) : "";
    const seller = db && await meta("seller");
    document.getElementById("who").textContent = seller ? seller.name : "";
  }

  function notice(text, kind) {
    const box = document.getElementById("notices");
    box.querySelectorAll(".notice." + (kind || "info")).forEach((old) => old.remove());
    box.append(el("p", { class: "notice " + (kind || "info") }, text));
  }

  // ---- sync -----------------------------------------------------------------------------
  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // How long what was logged but not sent waits for the same seller to log in again
  // after the session ended (an expired session is not a departure; a deactivated
  // user cannot log in, and then it goes).
  const KEEP_UNSENT_DAYS = 7;

  async function sessionEnded(status) {
    let unsent = 0;
    if (status === 401 && db) {
      // The portfolio goes now; the seller's own unsent records wait for the next login.
      const tx = db.transaction(["clients", "meta", "queue"], "readwrite");
      await tx.objectStore("clients").clear();
      for (const key of ["cursor", "synced_at", "week", "reasons", "seller"]) await tx.objectStore("meta").delete(key);
      await tx.objectStore("meta").put(new Date().toISOString(), "ended_at");
      for (const item of await tx.objectStore("queue").getAll()) {
        if (item.state === "pending") unsent += 1;
        else await tx.objectStore("queue").delete(item.seq);
      }
      await tx.done;
    }
    if (!unsent) await wipe();
    view.replaceChildren(el("article", {}, el("p", {}, W.session_ended),
      unsent ? el("p", {}, fill(W.unsent_kept, { count: unsent, days: KEEP_UNSENT_DAYS })) : null,
      el("a", { href: body.dataset.login, role: "button" }, W.log_in)));
    document.getElementById("synced").textContent = W.never;
    document.getElementById("pending").textContent = "";
    document.getElementById("who").textContent = "";
  }

  class Ended extends Error {
    constructor(status) { super("HTTP " + status); this.status = status; }
  }

  async function call(url, options) {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", ...options });
    } catch (error) {
      reachable = false;
      throw error;
    }
    reachable = true;
    if (response.status === 401 || response.status === 403) throw new Ended(response.status);
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  async function sendQueue() {
    const pending = (await db.getAll("queue")).filter((item) => item.state === "pending" && item.kind !== "photo");
    if (!pending.length) return;
    const operations = pending.map((item) => ({ key: item.key, kind: item.kind, client: item.client,
      task: item.task || null, client_version: item.client_version ?? null, data: item.data }));
    const answer = await call(body.dataset.sync, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ operations }),
    });
    const byKey = new Map(answer.results.map((result) => [result.key, result]));
    const tx = db.transaction("queue", "readwrite");
    for (const item of pending) {
      const result = byKey.get(item.key);
      if (!result) continue;
      Object.assign(item, { state: result.result, code: result.code, message: result.message,
        errors: result.errors, created: result.created, sent_at: new Date().toISOString() });
      await tx.store.put(item);
    }
    await tx.done;
  }

  // A photo goes after its contact, alone, as the request's body (the server checks its
  // size before reading it); 409: its contact has not arrived yet, so it waits.
  async function sendPhotos() {
    const photos = (await db.getAll("queue")).filter((item) => item.state === "pending" && item.kind === "photo");
    for (const item of photos) {
      const query = new URLSearchParams({ key: item.key, client: item.client,
        outcome: item.data.outcome, taken_at: item.data.taken_at });
      let response;
      try {
        response = await fetch(body.dataset.photo + "?" + query, { method: "POST", credentials: "same-origin",
          headers: { "Content-Type": item.blob.type || "image/jpeg", "X-CSRFToken": csrf() }, body: item.blob });
      } catch (error) {
        reachable = false;
        throw error;
      }
      reachable = true;
      if (response.status === 401 || response.status === 403) throw new Ended(response.status);
      if (response.status === 409) continue;
      let result;
      if (response.status === 413) {
        result = { result: "refused", code: "too_big", message: (await response.json()).detail, errors: {}, created: {} };
      } else if (!response.ok) {
        throw new Error("HTTP " + response.status);
      } else {
        result = await response.json();
      }
      Object.assign(item, { state: result.result, code: result.code, message: result.message,
        errors: result.errors, created: result.created, sent_at: new Date().toISOString() });
      delete item.blob;  // answered: the phone keeps no copy of the photo
      await db.put("queue", item);
    }
  }

  async function download() {
    const cursor = await meta("cursor");
    const url = body.dataset.download + (cursor ? "?cursor=" + encodeURIComponent(cursor) : "");
    const answer = await call(url);
    const tx = db.transaction(["clients", "meta"], "readwrite");
    const clients = tx.objectStore("clients");
    const store = tx.objectStore("meta");
    if (answer.full) await clients.clear();
    for (const [key, value] of Object.entries(answer.changed)) {
      if (key.startsWith("client:")) await clients.put(value);
      else await store.put(value, key);
    }
    for (const key of answer.removed) {
      if (key.startsWith("client:")) await clients.delete(Number(key.slice(7)));
    }
    await store.put(answer.cursor, "cursor");
    await store.put(answer.synced_at, "synced_at");
    await tx.done;
  }

  function sync() {
    if (!db) return Promise.resolve();
    if (!navigator.onLine) { reachable = false; return showStatus(); }
    if (syncing) return syncing;
    document.getElementById("synced").textContent = W.syncing;
    syncing = (async () => {
      try {
        await sendQueue();  // first what the seller did, then what the server has now
        await sendPhotos();
        await download();
        document.querySelectorAll("#notices .warn").forEach((old) => old.remove());
        if (!view.dataset.editing) await render();
      } catch (error) {
        if (error instanceof Ended) { await sessionEnded(error.status); return; }
        notice(W.sync_failed, "warn");
      } finally {
        syncing = null;
        if (db) await showStatus();
      }
    })();
    return syncing;
  }

  function queued(kind, card, data, task) {
    return { key: crypto.randomUUID(), kind, client: card.id, client_name: card.name,
      client_version: card.version, task: task || null, data, state: "pending",
      created_at: new Date().toISOString() };
  }

  async function enqueue(...items) {
    for (const item of items) await db.add("queue", item);
    await showStatus();
    sync();
    return items[0];
  }

  // A photo shrunk on the phone before it is queued: at most PHOTO_SIDE pixels a side,
  // a JPEG drawn from the pixels (the camera's metadata, its position included, stays).
  const PHOTO_SIDE = 1600;
  async function shrink(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
  }

  // ---- views ----------------------------------------------------------------------------
  // A task of the week; moved_from is a plain calendar date (no time, no zone): day() reads
  // it at local noon, so it is the same day on the phone at any hour.
  function taskLine(row, extra) {
    const notes = [extra, row.moved_from && fill(W.moved, { day: day(row.moved_from) }), row.note].filter(Boolean);
    return el("li", {}, el("a", { href: `#cliente/${row.client}/${row.task}` }, row.title),
      notes.map((note) => el("small", { class: note === extra ? null : "moved" }, " · " + note)));
  }

  function dayBlock(date, open) {
    const parts = [el("summary", {}, day(date.date) + (date.working ? "" : " · " + (date.off || W.off)))];
    if (date.visits.length) {
      parts.push(el("h4", {}, W.visits),
        el("ol", { class: "route" }, date.visits.map((row) => taskLine(row, row.arrival && fill(W.arrival, { time: row.arrival })))));
      if (date.route_url) parts.push(el("p", {}, el("a", { href: date.route_url, rel: "noopener" }, W.route)));
    }
    if (date.unrouted.length) parts.push(el("h4", {}, W.unrouted), el("ul", {}, date.unrouted.map((row) => taskLine(row))));
    if (date.calls.length) parts.push(el("h4", {}, W.calls), el("ul", {}, date.calls.map((row) => taskLine(row))));
    if (!date.visits.length && !date.unrouted.length && !date.calls.length) parts.push(el("p", {}, W.no_visits));
    return el("details", { class: "day", open: open, "data-date": date.date }, ...parts);
  }

  async function agendaView() {
    const week = await meta("week");
    if (!week) return [el("p", {}, W.never)];
    const today = localDate(new Date());
    const next = week.days.find((d) => d.date >= today && d.working) || week.days[0];
    return [el("h2", {}, W.today), dayBlock(next, true), el("h2", {}, W.week),
      ...week.days.filter((d) => d !== next).map((d) => dayBlock(d, false)),
      ...(week.messages || []).map((text) => el("p", { class: "muted" }, text))];
  }

  async function clientsView(query) {
    const all = await db.getAll("clients");
    const term = (query || "").toLowerCase();
    const found = all.filter((c) => !term || (c.name + " " + c.code + " " + c.city).toLowerCase().includes(term))
      .sort((a, b) => a.name.localeCompare(b.name, "pt-BR"));
    const search = el("input", { type: "search", placeholder: W.search, "aria-label": W.search, value: query || "" });
    search.addEventListener("input", () => { location.hash = "clientes/" + encodeURIComponent(search.value); });
    const list = found.length ? el("ul", { class: "clients" }, found.slice(0, 200).map((c) =>
      el("li", {}, el("a", { href: `#cliente/${c.id}` }, c.name), " ",
        el("small", {}, [c.city, c.status && LABELS.status[c.status], c.abc].filter(Boolean).join(" · ")))))
      : el("p", {}, W.no_clients);
    setTimeout(() => { search.focus(); search.setSelectionRange(search.value.length, search.value.length); });
    return [search, list];
  }

  function contactLinks(name, role, phone) {
    const number = digits(phone);
    return el("li", {}, el("strong", {}, name), role ? " · " + role : "",
      phone ? el("span", { class: "links" }, " ",
        el("a", { href: "tel:+" + number, class: "call" }, W.call + " " + phone), " ",
        el("a", { href: "https://wa.me/" + number, class: "whatsapp", rel: "noopener" }, W.whatsapp)) : null);
  }

  // The client's check-in made today, on the phone's calendar (created_at is in UTC: after
  // 21:00 in Brasília its UTC day is already tomorrow).
  async function todaysCheckIn(card) {
    const items = (await db.getAll("queue")).filter((i) => i.kind === "checkin" && i.client === card.id);
    const last = items.length ? items[items.length - 1] : null;
    return last && localDate(new Date(last.created_at)) === localDate(new Date()) ? last : null;
  }

  function formErrors(form, errors) {
    const box = form.querySelector(".errors");
    box.textContent = Object.values(errors).flat().join(" ");
  }

  function outcomeForm(card, taskId) {
    const form = document.getElementById("t-outcome").content.firstElementChild.cloneNode(true);
    // The task it closes, in sight: the one the seller came from, else the first one
    // planned (or due) by today.
    const today = localDate(new Date());
    const task = card.tasks.find((t) => String(t.id) === String(taskId))
      || card.tasks.find((t) => (t.planned || t.due) <= today);
    for (const t of card.tasks) form.elements.task.append(el("option", { value: t.id }, t.title));
    form.elements.task.value = task ? String(task.id) : "";
    form.elements.channel.value = task && task.channel ? task.channel : "visit";
    return meta("reasons").then((reasons) => {
      for (const [pk, label] of reasons || []) form.elements.reason.append(el("option", { value: pk }, label));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const f = form.elements;
        if (!f.successful.value) { formErrors(form, { successful: [W.required_successful] }); return; }
        const checkin = await todaysCheckIn(card);
        const data = { channel: f.channel.value, successful: f.successful.value, reason: f.reason.value,
          notes: f.notes.value, next_step: f.next_step.value, next_date: f.next_date.value, date: today,
          checkin: checkin ? checkin.key : null };
        const contact = queued("outcome", card, data, f.task.value ? Number(f.task.value) : null);
        const items = [contact];
        if (f.photo.files.length) {
          let blob = null;
          try { blob = await shrink(f.photo.files[0]); } catch (error) { blob = null; }
          if (!blob) { formErrors(form, { photo: [W.photo_unreadable] }); return; }
          if (blob.size > Number(body.dataset.photoMax)) { formErrors(form, { photo: [W.photo_too_big] }); return; }
          const photo = queued("photo", card, { outcome: contact.key, taken_at: new Date().toISOString() });
          photo.blob = blob;
          items.push(photo);
        }
        await enqueue(...items);
        location.hash = "fila";
      });
      return form;
    });
  }

  function followUpForm(card) {
    const form = document.getElementById("t-followup").content.firstElementChild.cloneNode(true);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = form.elements;
      await enqueue(queued("followup", card, { title: f.title.value, due: f.due.value, channel: f.channel.value, notes: f.notes.value }));
      location.hash = "fila";
    });
    return form;
  }

  function checkIn(card, taskId, button) {
    button.setAttribute("aria-busy", "true");
    navigator.geolocation.getCurrentPosition(async (position) => {
      const at = new Date(position.timestamp || Date.now()).toISOString();
      await enqueue(queued("checkin", card, { at, latitude: position.coords.latitude, longitude: position.coords.longitude,
        accuracy: position.coords.accuracy }, taskId));
      button.removeAttribute("aria-busy");
      button.replaceWith(el("p", { class: "checked" }, fill(W.checked_in, { time: when(at) })));
    }, async (error) => {
      // Checked in all the same, without a position: the server marks it unverified, and why.
      const at = new Date().toISOString();
      await enqueue(queued("checkin", card, { at, position_error: error && error.code === 1 ? "denied" : "unavailable" }, taskId));
      button.removeAttribute("aria-busy");
      button.replaceWith(el("p", { class: "checked" }, fill(W.checked_in, { time: when(at) })),
        el("p", { class: "errors" }, W.no_position));
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  async function clientView(id, taskId) {
    const card = await db.get("clients", Number(id));
    if (!card) return [el("p", {}, W.client_not_found), el("a", { href: "#clientes" }, W.back)];
    const facts = [card.code, card.city && card.city + (card.state ? "/" + card.state : ""),
      card.status && LABELS.status[card.status], card.abc && W.class + " " + card.abc,
      // No reading yet (a new client, no snapshot): say nothing rather than "no purchase".
      !card.status ? null : card.days === null ? W.no_purchase : fill(W.days, { days: card.days })];
    const out = [el("a", { href: "#clientes", class: "back" }, "← " + W.back),
      el("h2", {}, card.name), el("p", { class: "facts" }, facts.filter(Boolean).join(" · "))];
    if (card.phone) out.push(el("ul", { class: "contacts" }, contactLinks(card.name, "", card.phone)));
    const checked = await todaysCheckIn(card);
    const button = el("button", { type: "button", class: "checkin" }, W.check_in);
    button.addEventListener("click", () => checkIn(card, taskId, button));
    out.push(checked
      ? el("p", { class: "checked" }, fill(W.checked_in, { time: when(checked.data.at) })) : button);
    if (card.tasks.length) out.push(el("h3", {}, W.tasks), el("ul", {}, card.tasks.map((t) =>
      el("li", { class: String(t.id) === String(taskId) ? "current" : null },
        el("a", { href: `#cliente/${card.id}/${t.id}` }, t.title), " ",
        el("small", {}, [LABELS.channel[t.channel], t.planned ? fill(W.planned, { date: day(t.planned) }) : fill(W.due, { date: day(t.due) })].filter(Boolean).join(" · "))))));
    if (card.overdue) out.push(el("p", { class: "alert" }, fill(W.overdue, { count: card.overdue.count, amount: money(card.overdue.amount), oldest: day(card.overdue.oldest) })));
    if (card.complaints.length) out.push(el("h3", {}, W.complaints), el("ul", {}, card.complaints.map((c) =>
      el("li", {}, c.category, " ", el("small", {}, day(c.opened))))));
    if (card.orders.length) out.push(el("h3", {}, W.last_orders), el("ul", {}, card.orders.map(([date, amount]) =>
      el("li", {}, day(date) + " · " + money(amount)))));
    if (card.contacts.length) out.push(el("h3", {}, W.contacts), el("ul", { class: "contacts" }, card.contacts.map((c) => contactLinks(c.name, c.role, c.phone))));
    out.push(el("details", { class: "log", open: taskId ? true : null }, el("summary", { role: "button" }, W.log_contact), await outcomeForm(card, taskId)));
    out.push(el("details", { class: "log" }, el("summary", { role: "button", class: "secondary" }, W.follow_up), followUpForm(card)));
    return out;
  }

  async function queueView() {
    const items = (await db.getAll("queue")).reverse();
    if (!items.length) return [el("p", {}, W.queue_empty)];
    return [el("ul", { class: "queue" }, items.map((item) => {
      const kind = W[item.kind + "_kind"] || item.kind;
      const state = W[item.state === "pending" ? "pending_state" : item.state];
      const dismiss = item.state !== "pending" ? el("button", { type: "button", class: "outline small",
        onclick: async () => { await db.delete("queue", item.seq); render(); } }, W.dismiss) : null;
      return el("li", { class: "item " + item.state, "data-key": item.key },
        el("strong", {}, kind + " · " + item.client_name), " ", el("small", {}, when(item.created_at)),
        el("br"), el("span", { class: "state" }, state),
        item.message ? el("p", { class: "why" }, item.message) : null,
        item.errors && Object.keys(item.errors).length ? el("p", { class: "why" }, Object.values(item.errors).flat().join(" ")) : null,
        dismiss);
    }))];
  }

  async function render() {
    if (!db || body.dataset.seller !== "1") return;
    const [tab, ...rest] = (location.hash.slice(1) || "agenda").split("/");
    for (const link of document.querySelectorAll("[data-tab]")) {
      link.toggleAttribute("aria-current", link.dataset.tab === (tab === "cliente" ? "clientes" : tab));
    }
    let content;
    if (tab === "cliente") content = await clientView(rest[0], rest[1]);
    else if (tab === "clientes") content = await clientsView(decodeURIComponent(rest.join("/")));
    else if (tab === "fila") content = await queueView();
    else content = await agendaView();
    view.replaceChildren(...content);
    delete view.dataset.editing;
    await showStatus();
  }

  // ---- start ----------------------------------------------------------------------------
  async function logOut() {
    await wipe();
    const form = el("form", { method: "post", action: body.dataset.logout },
      el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf() }));
    document.body.append(form);
    form.submit();
  }

  async function start() {
    if (body.dataset.seller !== "1") { await wipe(); return; }
    db = await openStore();
    const owner = await meta("user");
    const ended = await meta("ended_at");
    const expired = ended && Date.now() - Date.parse(ended) > KEEP_UNSENT_DAYS * 86400000;
    if ((owner && owner !== USER) || expired) { await wipe(); db = await openStore(); }  // another login
    await db.delete("meta", "ended_at");
    await setMeta("user", USER);
    window.addEventListener("hashchange", render);
    // A form the seller is filling in is not redrawn under their fingers when a sync ends
    // (their typing would be lost): the next navigation draws the new data.
    view.addEventListener("input", () => { view.dataset.editing = "1"; });
    view.addEventListener("toggle", (event) => {
      if (event.target.open && event.target.querySelector("form")) view.dataset.editing = "1";
    }, true);
    window.addEventListener("online", () => { reachable = null; showStatus(); sync(); });
    setInterval(() => { if (!syncing) sync(); }, 60000);
    window.addEventListener("offline", showStatus);
    document.getElementById("sync-now").addEventListener("click", () => sync());
    document.getElementById("logout").addEventListener("click", logOut);
    await render();
    body.dataset.ready = "1";
    sync();
    if ("serviceWorker" in navigator) {
      // The first worker taking control is the install; any later one, an update.
      let controlled = Boolean(navigator.serviceWorker.controller);
      navigator.serviceWorker.addEventListener("controllerchange", () => {
        if (controlled) notice(W.updated);
        controlled = true;
      });
      navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope });
    }
  }

  window.carteiraField = { sync, wipe, render };
  start();
})();
