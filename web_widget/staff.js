/* The staff console (/staff): the queue of handoff tickets, one conversation,
   take / hand back / close and replies. The server decides who may do what. */
(function () {
  "use strict";
  var current = null, lastId = 0, me = null;
  var LEVELS = { acute: "acuut gevaar", suicide: "zelfdoding", disclosure: "geweld of mishandeling", distress: "zware zorgen" };
  var STATUS = { queued: "wacht", connected: "in gesprek", callback: "wil teruggebeld worden", unavailable: "buiten openingstijd", ended: "afgesloten" };
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var n = document.createElement(tag); if (cls) n.className = cls; if (text) n.textContent = text; return n; }
  function api(method, path, body) { return window.StaffSession.call(method, "/staff/api" + path, body); }
  function minutes(s) { return Math.floor(s / 60) + " min"; }
  function renderQueue(tickets) {
    var box = $("queue"); box.textContent = "";
    if (!tickets.length) box.appendChild(el("p", null, "Er wacht niemand."));
    tickets.forEach(function (t) {
      var b = el("button", "ticket u" + t.urgency);
      b.dataset.ticket = t.ticket;
      b.appendChild(el("strong", null, (t.level ? LEVELS[t.level] : "vraag") + " · " + (t.municipality || "gemeente onbekend")));
      b.appendChild(el("small", null, STATUS[t.status] + " · wacht " + minutes(t.waiting_seconds) + (t.taken_by ? " · " + t.taken_by : "")));
      b.addEventListener("click", function () { open(t.ticket); });
      box.appendChild(b);
    });
  }
  function refreshQueue() { api("GET", "/queue").then(renderQueue).catch(function (e) { $("status").textContent = e.message; }); }
  function renderTicket(t, append) {
    $("title").textContent = "Gesprek " + t.ticket;
    $("meta").textContent = (t.level ? "Signaal: " + LEVELS[t.level] + ". " : "") + "Status: " + STATUS[t.status] +
      (t.municipality ? ". Gemeente: " + t.municipality : "") + (t.callback_contact ? ". Terugbellen: " + t.callback_contact : "");
    if (!append) { $("transcript").textContent = ""; lastId = 0; }
    t.messages.forEach(function (m) {
      var who = { parent: "Ouder", bot: "Chat", staff: "Medewerker", system: "" }[m.sender];
      var line = el("div", "line " + m.sender);
      if (who) line.appendChild(el("b", null, who + ":"));
      line.appendChild(document.createTextNode(" " + m.text));
      $("transcript").appendChild(line);
      lastId = Math.max(lastId, m.id);
    });
    $("transcript").scrollTop = $("transcript").scrollHeight;
    var mine = t.status === "connected" && me && t.taken_by === me.username;
    var boss = me && me.role === "beheerder";
    $("take").disabled = !(t.status === "queued" || t.status === "callback");
    $("handback").disabled = $("close").disabled = t.status === "ended" || !(mine || (boss && t.taken_by));
    $("text").disabled = $("send").disabled = !mine;
  }
  function open(id) { current = id; $("status").textContent = ""; api("GET", "/tickets/" + id).then(function (t) { renderTicket(t, false); }); }
  function poll() { if (current) api("GET", "/tickets/" + current + "?after=" + lastId).then(function (t) { renderTicket(t, true); }).catch(function () {}); }
  function act(path) {
    api("POST", "/tickets/" + current + path).then(function () { open(current); refreshQueue(); })
      .catch(function (e) { $("status").textContent = e.message; });
  }
  $("take").addEventListener("click", function () { act("/take"); });
  $("handback").addEventListener("click", function () { act("/handback"); });
  $("close").addEventListener("click", function () { act("/close"); });
  $("reply").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("text").value; if (!text.trim()) return;
    api("POST", "/tickets/" + current + "/messages", { text: text }).then(function () { $("text").value = ""; poll(); })
      .catch(function (e) { $("status").textContent = e.message; });
  });
  window.StaffSession.ready.then(function (info) {
    me = info; refreshQueue(); setInterval(refreshQueue, 5000); setInterval(poll, 2000);
  });
})();
