/* Chat widget for a municipality's website. Embed with:
 *   <script src=".../widget/widget.js" data-bot-url="https://bot.example" data-municipality="Almere"></script>
 * Talks to Rasa's REST channel; keeps one conversation per browser (localStorage).
 * Everything is rendered with textContent: nothing from the bot or the parent is
 * interpreted as HTML. When the bot cannot be reached, the helplines are shown. */
(function () {
  "use strict";
  var script = document.currentScript;
  var botUrl = (script && script.dataset.botUrl) || "http://localhost:5005";
  var params = new URLSearchParams(window.location.search);
  var municipality = params.get("gemeente") || (script && script.dataset.municipality) || "";
  var apiUrl = (script && script.dataset.apiUrl) || (script ? new URL(script.src, window.location.href).origin : "");
  var MAX_LEN = 10000;
  var HELPLINES = {
    acute: "Is er nu gevaar? Bel direct 112.",
    suicide: "Denk je aan zelfdoding? Bel 113 of gratis 0800-0113 (dag en nacht). Direct gevaar? Bel 112.",
    disclosure: "Bel Veilig Thuis: 0800-2000 (gratis, dag en nacht). Direct gevaar? Bel 112.",
    distress: "Wil je nu met iemand praten? Bel 113 of gratis 0800-0113. Direct gevaar? Bel 112."
  };
  var OFFLINE = "De chat werkt nu even niet. Is er direct gevaar? Bel 112. " +
    "Zorgen over geweld of mishandeling? Bel Veilig Thuis: 0800-2000 (gratis, dag en nacht). " +
    "Denk je aan zelfdoding? Bel 113 of gratis 0800-0113.";

  function senderId() {
    var key = "jb-chat-sender";
    var id = null;
    try { id = window.localStorage.getItem(key); } catch (e) { /* private mode */ }
    if (!id) {
      id = "web-" + (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
      try { window.localStorage.setItem(key, id); } catch (e) { /* ignore */ }
    }
    return id;
  }
  var sender = senderId();

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  var root = el("section", "jb-chat");
  root.setAttribute("aria-label", "Chat over jeugdbescherming");
  var header = el("header", null, "Vragen over jeugdbescherming");
  header.appendChild(el("small", null, "Algemene informatie, geen hulpverlener. Gevaar? Bel 112."));
  var log = el("div", "jb-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form", "jb-form");
  var input = el("textarea");
  input.rows = 2;
  input.setAttribute("aria-label", "Typ je vraag");
  input.placeholder = "Typ je vraag…";
  var send = el("button", null, "Stuur");
  send.type = "submit";
  form.appendChild(input);
  form.appendChild(send);
  var note = el("div", "jb-note", "Typ geen naam of BSN. Een medewerker nodig? Typ: ik wil een mens spreken.");
  root.appendChild(header);
  root.appendChild(log);
  root.appendChild(note);
  root.appendChild(form);

  function scroll() { log.scrollTop = log.scrollHeight; }

  function addUser(text) { log.appendChild(el("div", "jb-msg jb-user", text)); scroll(); }

  function addBot(message) {
    var custom = message.custom || {};
    var cls = "jb-msg jb-bot";
    if (custom.kind === "safety") cls += " jb-safety";
    if (custom.kind === "staff") cls += " jb-staff";
    var bubble = el("div", cls, message.text || "");
    if (custom.kind) bubble.dataset.kind = custom.kind;
    if (custom.article) bubble.dataset.article = custom.article;
    if (custom.level) bubble.dataset.level = custom.level;
    if (custom.sources && custom.sources.length) {
      var list = el("ul", "jb-sources");
      custom.sources.forEach(function (s) {
        var li = el("li");
        if (/^https?:\/\//.test(s.url || "")) {
          var a = el("a", null, s.title || s.url);
          a.href = s.url; a.target = "_blank"; a.rel = "noopener noreferrer";
          li.appendChild(el("span", null, "Bron: "));
          li.appendChild(a);
        } else {
          li.textContent = "Bron: " + (s.title || "");
        }
        list.appendChild(li);
      });
      bubble.appendChild(list);
    }
    if (message.buttons && message.buttons.length) {
      var row = el("div", "jb-buttons");
      message.buttons.forEach(function (b) {
        var button = el("button", null, b.title);
        button.type = "button";
        button.addEventListener("click", function () { ask(b.payload, b.title); });
        row.appendChild(button);
      });
      bubble.appendChild(row);
    }
    log.appendChild(bubble);
    scroll();
    if (custom.kind === "handoff") startHandoff(custom);
  }

  /* Handoff to a person: messages go to the web app, staff replies are polled. */
  var handoff = null, lastSeen = 0, pollTimer = null;
  function saveHandoff() {
    try { if (handoff) localStorage.setItem("jb-chat-handoff", JSON.stringify(handoff)); else localStorage.removeItem("jb-chat-handoff"); } catch (e) { /* ignore */ }
  }
  function handoffApi(path, options) {
    options = options || {};
    options.headers = Object.assign({ "Content-Type": "application/json", "X-Ticket-Token": handoff.token }, options.headers || {});
    return fetch(apiUrl + "/api/v1/handoff/" + encodeURIComponent(handoff.ticket) + path, options)
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.detail || r.status); return j; }); });
  }
  function startHandoff(payload) {
    if (!payload.ticket || !payload.token) return;
    handoff = { ticket: payload.ticket, token: payload.token, status: payload.status };
    saveHandoff();
    if (payload.status === "unavailable") { showCallbackForm(); return; }
    if (!pollTimer) pollTimer = setInterval(pollHandoff, 2500);
  }
  function endHandoff() {
    handoff = null; saveHandoff();
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }
  function pollHandoff() {
    if (!handoff) return;
    handoffApi("?after=" + lastSeen).then(function (data) {
      data.messages.forEach(function (m) {
        lastSeen = Math.max(lastSeen, m.id);
        if (m.sender === "staff") addBot({ text: m.text, custom: { kind: "staff" } });
        if (m.sender === "system") addNote(m.text);
      });
      handoff.status = data.status;
      if (data.status === "ended") { endHandoff(); addNote("Je praat weer met de chat."); }
    }).catch(function () { /* try again at the next tick */ });
  }
  function addNote(text) { var n = el("div", "jb-msg jb-bot", text); n.dataset.kind = "system"; log.appendChild(n); scroll(); }
  function showCallbackForm() {
    var box = el("form", "jb-msg jb-bot jb-callback");
    var field = el("input");
    field.type = "text"; field.placeholder = "Telefoonnummer of e-mail";
    field.setAttribute("aria-label", "Telefoonnummer of e-mail voor terugbellen");
    var ok = el("button", null, "Bel mij terug");
    ok.type = "submit";
    box.appendChild(field); box.appendChild(ok);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!field.value.trim()) { addNote("Vul eerst een telefoonnummer of e-mailadres in."); return; }
      handoffApi("/callback", { method: "POST", body: JSON.stringify({ contact: field.value }) })
        .then(function (r) { box.remove(); addNote(r.text); endHandoff(); })
        .catch(function (e) { addNote("Dat lukte niet: " + e.message); });
    });
    log.appendChild(box); scroll();
  }
  function sendToStaff(text) {
    addUser(text);
    handoffApi("/messages", { method: "POST", body: JSON.stringify({ text: text }) })
      .then(function (r) { if (r.safety && HELPLINES[r.safety]) addBot({ text: HELPLINES[r.safety], custom: { kind: "safety", level: r.safety } }); })
      .catch(function (e) {
        if (/afgesloten/.test(e.message)) { endHandoff(); addNote(e.message); return; }
        addBot({ text: OFFLINE, custom: { kind: "safety", level: "offline" } });
      });
  }

  /* Rasa's REST channel sends text and custom payload as separate messages:
   * fold a custom payload into the text bubble before it. */
  function group(messages) {
    var out = [];
    messages.forEach(function (m) {
      var last = out[out.length - 1];
      if (m.custom && !m.text && last && !last.custom) { last.custom = m.custom; return; }
      out.push({ text: m.text, buttons: m.buttons, custom: m.custom });
    });
    return out;
  }

  function ask(payload, shown) {
    addUser(shown);
    var body = { sender: sender, message: payload, metadata: { municipality: municipality || null } };
    return fetch(botUrl.replace(/\/$/, "") + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (messages) {
      group(messages || []).forEach(addBot);
    }).catch(function () {
      addBot({ text: OFFLINE, custom: { kind: "safety", level: "offline" } });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) {
      addBot({ text: "Je bericht is leeg. Typ eerst je vraag." });
      return;
    }
    if (text.length > MAX_LEN) text = text.slice(0, MAX_LEN);
    input.value = "";
    if (handoff && (handoff.status === "queued" || handoff.status === "connected")) sendToStaff(text);
    else ask(text, text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  function mount() {
    document.body.appendChild(root);
    addBot({ text: "Hallo! Ik geef uitleg over jeugdbescherming en over jouw rechten als ouder. Stel je vraag." });
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem("jb-chat-handoff") || "null"); } catch (e) { saved = null; }
    if (saved && saved.status !== "unavailable") { startHandoff(saved); addNote("Je wacht op een medewerker, of je bent met iemand in gesprek."); }
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  window.JBChat = { ask: ask, sender: sender };
})();
