/* Chat widget for a municipality's website. One tag:
 *
 *   <script src="https://chat.example.nl/widget/widget.js" data-municipality="Amersfoort" defer></script>
 *
 * Optional data attributes: data-title, data-welcome, data-color (a dark colour
 * for the header and buttons, #rgb or #rrggbb; a colour with too little contrast
 * against white is ignored), data-position="left".
 * For the editors' preview (/editor/voorbeeld/…): data-api-url (another base for
 * the /chat/ calls), data-storage-key (a conversation of its own) and data-ask
 * with data-ask-label (asked once, with the panel open, when the conversation is new).
 *
 * - Adds a launcher button and a chat panel inside a Shadow DOM: the page's
 *   styles do not reach the widget and the widget's styles stay inside.
 * - No inline script or style: works under a strict Content-Security-Policy.
 *   The host needs script-src, style-src and connect-src for the widget's origin.
 * - Talks only to the web app it was loaded from (POST /chat/messages, polling
 *   GET /chat/updates during a handoff); never to the bot's server.
 * - Everything from the bot, the staff or the parent is put in the page as text
 *   (textContent); only http(s) addresses become links.
 * - The conversation is kept in sessionStorage: it survives navigation and
 *   reloads, and is gone when the browser session ends or with "Gesprek wissen".
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__jbChatLoaded) return;
  window.__jbChatLoaded = true;

  var data = script.dataset;
  var scriptUrl = new URL(script.src, window.location.href);
  var API = (data.apiUrl || scriptUrl.origin).replace(/\/$/, "");
  var CSS_URL = new URL("widget.css", scriptUrl).href;
  var municipality = new URLSearchParams(window.location.search).get("gemeente") || data.municipality || "";
  var TITLE = data.title || "Vragen over jeugdbescherming";
  var WELCOME = data.welcome ||
    "Hallo! Ik geef uitleg over jeugdbescherming en over jouw rechten als ouder. Kies een onderwerp of typ je vraag.";
  var STORE = data.storageKey || "jb-chat-v2";
  var MAX_LEN = 10000;
  var SLOW_MS = 5000;
  var TIMEOUT_MS = 30000;
  var POLL_MS = 2000;

  var TOPICS = [
    ["Veilig Thuis", "veilig-thuis"],
    ["De Raad voor de Kinderbescherming", "raad-voor-de-kinderbescherming"],
    ["Ondertoezichtstelling (OTS)", "ondertoezichtstelling"],
    ["Uithuisplaatsing", "uithuisplaatsing"],
    ["Mijn rechten", "recht-op-informatie"],
    ["Cliëntondersteuner", "onafhankelijke-clientondersteuner"]
  ];
  var HELPLINES = [
    { label: "Direct gevaar?", name: "Bel 112", tel: "112", note: "" },
    { label: "Zorgen over geweld of mishandeling?", name: "Veilig Thuis: 0800-2000", tel: "08002000", note: "gratis, dag en nacht" },
    { label: "Voor kinderen en jongeren:", name: "De Kindertelefoon: 0800-0432", tel: "08000432", note: "gratis" },
    { label: "Denk je aan zelfdoding?", name: "Bel gratis 113", tel: "113", note: "", extra: { name: "of 0800-0113", tel: "08000113" } }
  ];
  var SAFETY_TEXT = {
    acute: "Is er nu gevaar? Bel direct 112.",
    suicide: "Denk je aan zelfdoding? Bel gratis 113 of 0800-0113 (dag en nacht). Direct gevaar? Bel 112.",
    disclosure: "Bel Veilig Thuis: 0800-2000 (gratis, dag en nacht). Direct gevaar? Bel 112.",
    distress: "Wil je nu met iemand praten? Bel gratis 113 of 0800-0113. Direct gevaar? Bel 112."
  };
  var MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december"];

  /* ---------- state, kept in sessionStorage ---------- */

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function freshState() {
    return { conversation: newId(), items: [], queue: [], handoff: null, open: false, forget: [], seq: 0 };
  }
  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORE) || "null");
      if (saved && saved.conversation) return saved;
    } catch (e) { /* storage blocked or broken: start fresh */ }
    return freshState();
  }
  var state = load();
  function save() {
    if (state.items.length > 200) state.items = state.items.slice(-200);
    try { window.sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: memory only */ }
  }

  /* ---------- small DOM helpers ---------- */

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function button(text, cls, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    if (onClick) b.addEventListener("click", onClick);
    return b;
  }
  function srOnly(text) { return el("span", "jb-sr", text); }

  /* Text with http(s) addresses as links; nothing is parsed as HTML. */
  function richText(node, text) {
    var parts = String(text || "").split(/(https?:\/\/[^\s<>"']+)/);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var url = part.replace(/[.,;:!?)]+$/, "");
        var rest = part.slice(url.length);
        var a = el("a", null, url);
        a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
        node.appendChild(a);
        if (rest) node.appendChild(document.createTextNode(rest));
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
    return node;
  }
  function dutchDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ""));
    if (!m) return null;
    return Number(m[3]) + " " + MONTHS[Number(m[2]) - 1] + " " + m[1];
  }
  function safeColor(value) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value || "").trim());
    if (!m) return null;
    var hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    var lum = [0, 2, 4].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    if (1.05 / (l + 0.05) < 4.5) {
      if (window.console) console.warn("jb-chat: data-color " + value + " heeft te weinig contrast met wit; standaardkleur gebruikt");
      return null;
    }
    return "#" + hex;
  }

  /* ---------- build the widget ---------- */

  var host = el("div");
  host.id = "jb-chat";
  host.lang = "nl";
  var color = safeColor(data.color);
  if (color) host.style.setProperty("--jb-accent", color); // CSSOM: allowed under a strict CSP
  var shadow = host.attachShadow({ mode: "open" });
  var sheet = el("link");
  sheet.rel = "stylesheet";
  sheet.href = CSS_URL;
  var root = el("div", "jb");
  root.hidden = true; // until the stylesheet is there
  if (data.position === "left") root.classList.add("jb-left");
  shadow.appendChild(sheet);
  shadow.appendChild(root);
  function reveal() { root.hidden = false; }
  sheet.addEventListener("load", reveal);
  sheet.addEventListener("error", reveal);

  var launcher = button("", "jb-launcher", function () { setOpen(panel.hidden, true); });
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "jb-panel");
  var bubbleIcon = el("span", "jb-launcher-icon");
  bubbleIcon.setAttribute("aria-hidden", "true");
  launcher.appendChild(bubbleIcon);
  launcher.appendChild(el("span", null, "Stel je vraag in de chat"));
  var unread = el("span", "jb-unread", "Nieuw bericht");
  unread.hidden = true;
  launcher.appendChild(unread);

  var panel = el("div", "jb-panel");
  panel.id = "jb-panel";
  panel.lang = "nl";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "jb-title");

  var head = el("div", "jb-head");
  var titles = el("div", "jb-titles");
  var title = el("h2", "jb-title", TITLE);
  title.id = "jb-title";
  titles.appendChild(title);
  titles.appendChild(el("p", "jb-subtitle", "Uitleg en informatie. Geen hulpverlener."));
  var helpToggle = button("Direct hulp nodig?", "jb-help-toggle", function () { setHelp(helpBox.hidden); });
  helpToggle.setAttribute("aria-expanded", "false");
  helpToggle.setAttribute("aria-controls", "jb-help");
  var closeButton = button("", "jb-close", function () { setOpen(false, true); });
  closeButton.setAttribute("aria-label", "Chat sluiten");
  var closeIcon = el("span", null, "×");
  closeIcon.setAttribute("aria-hidden", "true");
  closeButton.appendChild(closeIcon);
  head.appendChild(titles);
  head.appendChild(helpToggle);
  head.appendChild(closeButton);

  function helplineList() {
    var list = el("ul", "jb-helplines");
    HELPLINES.forEach(function (h) {
      var li = el("li");
      li.appendChild(el("span", "jb-help-label", h.label + " "));
      var a = el("a", null, h.name);
      a.href = "tel:" + h.tel;
      li.appendChild(a);
      if (h.extra) {
        li.appendChild(document.createTextNode(" of "));
        var b = el("a", null, h.extra.name);
        b.href = "tel:" + h.extra.tel;
        li.appendChild(b);
      }
      if (h.note) li.appendChild(document.createTextNode(" (" + h.note + ")"));
      list.appendChild(li);
    });
    return list;
  }
  var helpBox = el("section", "jb-help");
  helpBox.id = "jb-help";
  helpBox.hidden = true;
  helpBox.setAttribute("aria-labelledby", "jb-help-title");
  var helpTitle = el("h3", "jb-help-title", "Direct hulp");
  helpTitle.id = "jb-help-title";
  helpTitle.tabIndex = -1;
  helpBox.appendChild(helpTitle);
  helpBox.appendChild(helplineList());

  var statusBox = el("div", "jb-status");
  statusBox.setAttribute("role", "status");
  var statusText = el("p", "jb-status-text");
  statusBox.appendChild(statusText);
  statusBox.hidden = true;

  var handoffBar = el("p", "jb-handoff-bar");
  handoffBar.hidden = true;

  var log = el("div", "jb-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "off"); // announced through `announcer`, once per message
  log.setAttribute("aria-label", "Gesprek");
  log.tabIndex = 0;
  var typing = el("div", "jb-typing");
  typing.hidden = true;
  var dots = el("span", "jb-dots");
  dots.setAttribute("aria-hidden", "true");
  dots.appendChild(el("span"));
  dots.appendChild(el("span"));
  dots.appendChild(el("span"));
  typing.appendChild(el("span", null, "De chat schrijft een antwoord"));
  typing.appendChild(dots);

  var announcer = el("div", "jb-sr");
  announcer.setAttribute("aria-live", "polite");
  announcer.setAttribute("aria-atomic", "true");

  var confirmBox = el("div", "jb-confirm");
  confirmBox.hidden = true;
  confirmBox.setAttribute("role", "group");
  confirmBox.setAttribute("aria-labelledby", "jb-confirm-text");
  var confirmText = el("p", null,
    "Wil je het gesprek wissen? We halen het dan ook weg van onze server. Dit kun je niet terugdraaien.");
  confirmText.id = "jb-confirm-text";
  var confirmYes = button("Ja, wis het gesprek", "jb-danger", function () { wipe(); });
  var confirmNo = button("Nee, terug", "jb-secondary", function () { confirmBox.hidden = true; wipeButton.focus(); });
  confirmBox.appendChild(confirmText);
  confirmBox.appendChild(confirmYes);
  confirmBox.appendChild(confirmNo);

  var actions = el("div", "jb-actions");
  var humanButton = button("Praat met een medewerker", "jb-secondary jb-human", function () { askHuman(); });
  var wipeButton = button("Gesprek wissen", "jb-secondary jb-wipe", function () {
    confirmBox.hidden = false;
    confirmYes.focus();
  });
  actions.appendChild(humanButton);
  actions.appendChild(wipeButton);

  var form = el("form", "jb-form");
  var inputLabel = el("label", "jb-sr", "Typ je vraag");
  inputLabel.htmlFor = "jb-input";
  var input = el("textarea", "jb-input");
  input.id = "jb-input";
  input.rows = 2;
  input.maxLength = MAX_LEN;
  input.placeholder = "Typ je vraag…";
  var sendButton = el("button", "jb-send", "Verstuur");
  sendButton.type = "submit";
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);

  panel.appendChild(head);
  panel.appendChild(helpBox);
  panel.appendChild(statusBox);
  panel.appendChild(handoffBar);
  panel.appendChild(log);
  panel.appendChild(announcer);
  panel.appendChild(confirmBox);
  panel.appendChild(actions);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  /* ---------- open, close, help ---------- */

  function setOpen(open, byUser) {
    panel.hidden = !open;
    root.classList.toggle("jb-is-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    state.open = open;
    if (open) unread.hidden = true;
    save();
    if (open && byUser) { input.focus(); scrollDown(); }
    if (!open && byUser) launcher.focus();
  }
  function setHelp(open, moveFocus) {
    helpBox.hidden = !open;
    helpToggle.setAttribute("aria-expanded", String(open));
    if (open && moveFocus !== false) helpTitle.focus();
  }
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      if (!confirmBox.hidden) { confirmBox.hidden = true; wipeButton.focus(); return; }
      setOpen(false, true);
    } else if (event.key === "Tab" && window.matchMedia("(max-width: 479px)").matches) {
      // Full screen on a phone: keep the keyboard inside the panel.
      var focusable = Array.prototype.filter.call(
        panel.querySelectorAll("button, a[href], textarea, input, summary, [tabindex='0']"),
        function (n) { return !n.disabled && n.offsetParent !== null; });
      if (!focusable.length) return;
      var first = focusable[0], last = focusable[focusable.length - 1];
      var active = shadow.activeElement;
      if (event.shiftKey && active === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && active === last) { event.preventDefault(); first.focus(); }
    }
  });

  /* ---------- rendering the conversation ---------- */

  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 60);
  }

  function renderIntro() {
    var privacy = el("div", "jb-privacy");
    privacy.appendChild(el("strong", null, "Over je privacy. "));
    privacy.appendChild(document.createTextNode(
      "Je hoeft je naam of BSN niet te geven. Praat je met de chat? Dan bewaren we je gesprek niet in een database. " +
      "Praat je met een medewerker? Dan bewaren we dat gesprek 30 dagen. Telefoonnummers, e-mail en BSN maken we " +
      "eerst onleesbaar. Met ‘Gesprek wissen’ haal je alles meteen weg."));
    log.appendChild(privacy);
    var welcome = el("div", "jb-msg jb-bot jb-welcome");
    welcome.appendChild(srOnly("De chat: "));
    welcome.appendChild(el("p", null, WELCOME));
    var topics = el("div", "jb-buttons jb-topics");
    topics.setAttribute("role", "group");
    topics.setAttribute("aria-label", "Onderwerpen");
    TOPICS.forEach(function (t) {
      topics.appendChild(button(t[0], "jb-chip", function () {
        send('/ask_article{"article": "' + t[1] + '"}', t[0]);
      }));
    });
    welcome.appendChild(topics);
    log.appendChild(welcome);
  }

  function sourcesBlock(custom) {
    var sources = (custom.sources || []).filter(function (s) { return s && (s.title || s.url); });
    if (!sources.length) return null;
    var details = el("details", "jb-sources");
    var summary = sources.length === 1 ? "1 bron" : sources.length + " bronnen";
    if (Object.prototype.hasOwnProperty.call(custom, "checked")) {
      var date = dutchDate(custom.checked);
      summary += date ? " · gecontroleerd op " + date : " · Nog niet gecontroleerd door de redactie";
    }
    details.appendChild(el("summary", null, summary));
    var list = el("ul");
    sources.forEach(function (s) {
      var li = el("li");
      if (/^https?:\/\//i.test(s.url || "")) {
        var a = el("a", null, s.title || s.url);
        a.href = s.url; a.target = "_blank"; a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else {
        li.textContent = s.title;
      }
      list.appendChild(li);
    });
    details.appendChild(list);
    return details;
  }

  function callbackBlock(item) {
    var box = el("div", "jb-msg jb-bot jb-callback");
    box.dataset.kind = "callback";
    if (item.hours && item.hours.length) {
      box.appendChild(el("p", null, "Wanneer zijn er medewerkers in de chat?"));
      var hours = el("ul", "jb-hours");
      item.hours.forEach(function (line) { hours.appendChild(el("li", null, line)); });
      box.appendChild(hours);
    } else {
      box.appendChild(el("p", null, "Er zijn nu geen medewerkers in de chat."));
    }
    if (item.done) {
      box.appendChild(el("p", null, item.done));
      return box;
    }
    var f = el("form", "jb-callback-form");
    var id = "jb-callback-" + item.id;
    var label = el("label", null, "Je telefoonnummer of e-mailadres");
    label.htmlFor = id;
    var field = el("input");
    field.id = id;
    field.type = "text";
    field.autocomplete = "tel";
    field.maxLength = 200;
    var error = el("p", "jb-error");
    error.id = id + "-fout";
    error.hidden = true;
    field.setAttribute("aria-describedby", error.id);
    var ok = el("button", "jb-send", "Bel of mail mij terug");
    ok.type = "submit";
    f.appendChild(label);
    f.appendChild(field);
    f.appendChild(ok);
    f.appendChild(error);
    f.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!field.value.trim()) {
        error.textContent = "Vul eerst een telefoonnummer of e-mailadres in.";
        error.hidden = false;
        field.setAttribute("aria-invalid", "true");
        field.focus();
        return;
      }
      ok.disabled = true;
      api("POST", "/chat/callback", { conversation: state.conversation, contact: field.value }).then(function (r) {
        item.done = r.text;
        save();
        var fresh = callbackBlock(item);
        box.replaceWith(fresh);
        announce(r.text);
        stopPolling();
      }).catch(function (e) {
        ok.disabled = false;
        error.textContent = "Dat lukte niet. Probeer het nog eens. " + (e.detail || "");
        error.hidden = false;
      });
    });
    box.appendChild(f);
    return box;
  }

  function renderItem(item) {
    var node;
    var custom = item.custom || {};
    if (item.t === "user") {
      node = el("div", "jb-msg jb-user");
      node.appendChild(srOnly("Jij: "));
      node.appendChild(el("span", "jb-text", item.text));
      var note = el("span", "jb-delivery");
      if (item.state === "pending" && offline) note.textContent = "Nog niet verstuurd. Dit gaat vanzelf zodra de chat weer werkt.";
      if (item.state === "staff") note.textContent = "Verstuurd naar de medewerker";
      if (item.state === "failed") note.textContent = "Niet verstuurd: " + (item.error || "probeer het nog eens");
      if (note.textContent) node.appendChild(note);
      node.dataset.state = item.state || "sent";
    } else if (item.t === "callback") {
      node = callbackBlock(item);
    } else if (item.t === "note") {
      node = el("div", "jb-note");
      node.dataset.kind = "system";
      node.appendChild(el("span", null, item.text));
    } else {
      var staffMsg = item.t === "staff";
      node = el("div", "jb-msg " + (staffMsg ? "jb-staff" : "jb-bot"));
      if (custom.kind === "safety") node.classList.add("jb-safety");
      node.appendChild(staffMsg ? el("span", "jb-who", "Medewerker") : srOnly("De chat: "));
      if (staffMsg) node.dataset.kind = "staff";
      if (custom.kind) node.dataset.kind = custom.kind;
      if (custom.article) node.dataset.article = custom.article;
      if (custom.level) node.dataset.level = custom.level;
      node.appendChild(richText(el("p", "jb-text"), item.text));
      var sources = sourcesBlock(custom);
      if (sources) node.appendChild(sources);
      if (item.buttons && item.buttons.length) {
        var row = el("div", "jb-buttons");
        item.buttons.forEach(function (b) {
          row.appendChild(button(b.title, "jb-chip", function () { send(b.payload, b.title); }));
        });
        node.appendChild(row);
      }
    }
    return node;
  }

  var nodes = {};
  function addItem(item, quiet) {
    state.seq += 1;
    item.id = state.seq;
    state.items.push(item);
    save();
    var node = renderItem(item);
    nodes[item.id] = node;
    log.insertBefore(node, typing);
    scrollDown();
    if (item.t !== "user" && panel.hidden) unread.hidden = false;
    if (!quiet && item.t !== "user") {
      var who = item.t === "staff" ? "Medewerker: " : item.t === "note" ? "" : "De chat: ";
      announce(who + (item.text || (item.t === "callback" ? "Er zijn nu geen medewerkers in de chat." : "")));
    }
    return item;
  }
  function updateItem(item) {
    save();
    var fresh = renderItem(item);
    if (nodes[item.id]) nodes[item.id].replaceWith(fresh);
    nodes[item.id] = fresh;
  }
  function findItem(id) {
    for (var i = 0; i < state.items.length; i++) if (state.items[i].id === id) return state.items[i];
    return null;
  }
  function renderAll() {
    log.textContent = "";
    nodes = {};
    renderIntro();
    state.items.forEach(function (item) {
      var node = renderItem(item);
      nodes[item.id] = node;
      log.appendChild(node);
    });
    log.appendChild(typing);
    scrollDown();
  }

  /* ---------- talking to the web app ---------- */

  function api(method, path, body, timeout) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, timeout || TIMEOUT_MS) : null;
    var options = { method: method, credentials: "omit", cache: "no-store", headers: {} };
    if (controller) options.signal = controller.signal;
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      window.clearTimeout(timer);
      return response.json().catch(function () { return null; }).then(function (json) {
        if (!response.ok) {
          var error = new Error("HTTP " + response.status);
          error.status = response.status;
          error.detail = json && typeof json.detail === "string" ? json.detail : "";
          throw error;
        }
        return json;
      });
    }, function (error) {
      window.clearTimeout(timer);
      throw error;
    });
  }

  var sending = false, offline = false, retryTimer = null, retryDelay = 2000, slowTimer = null;

  function showStatus(kind, text) {
    statusBox.hidden = !kind;
    statusBox.dataset.state = kind || "";
    statusText.textContent = text || "";
    var old = statusBox.querySelector(".jb-helplines");
    if (old) old.remove();
    if (kind) statusBox.appendChild(helplineList());
  }
  function setOffline(isOffline) {
    offline = isOffline;
    root.classList.toggle("jb-offline", isOffline);
    if (isOffline) {
      showStatus("offline",
        "De chat werkt nu even niet. We proberen het vanzelf opnieuw. Wat je typt, bewaren we en sturen we zodra het weer werkt. " +
        "Heb je nu hulp nodig? Bel:");
    } else if (statusBox.dataset.state === "offline" || statusBox.dataset.state === "slow") {
      showStatus(null);
      announce("De chat werkt weer.");
    }
  }

  function send(text, shown) {
    text = String(text || "");
    if (!text.trim()) {
      addItem({ t: "bot", text: "Je bericht is leeg. Typ eerst je vraag.", custom: { kind: "empty" } });
      return;
    }
    if (text.length > MAX_LEN) text = text.slice(0, MAX_LEN);
    var item = addItem({ t: "user", text: shown || text, state: "pending" });
    state.queue.push({ item: item.id, text: text });
    save();
    flush();
  }

  function flush() {
    if (sending || !state.queue.length) return;
    var next = state.queue[0];
    sending = true;
    typing.hidden = false;
    scrollDown();
    window.clearTimeout(slowTimer);
    slowTimer = window.setTimeout(function () {
      if (!offline) {
        showStatus("slow", "Het duurt langer dan normaal. Even geduld, je antwoord komt nog. Heb je nu hulp nodig? Bel:");
        announce("Het duurt langer dan normaal. Even geduld.");
      }
    }, SLOW_MS);
    api("POST", "/chat/messages", { conversation: state.conversation, text: next.text, municipality: municipality || null })
      .then(function (reply) {
        done();
        state.queue.shift();
        var item = findItem(next.item);
        if (item) { item.state = reply && reply.to === "staff" ? "staff" : "sent"; updateItem(item); }
        setOffline(false);
        retryDelay = 2000;
        handleReply(reply || {});
        flushForget();
        flush();
      })
      .catch(function (error) {
        done();
        if (error.status && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) {
          state.queue.shift();
          var item = findItem(next.item);
          if (item) { item.state = "failed"; item.error = error.detail; updateItem(item); }
          save();
          flush();
          return;
        }
        var wasOffline = offline;
        setOffline(true);
        state.queue.forEach(function (q) { var it = findItem(q.item); if (it && nodes[it.id]) updateItem(it); });
        if (!wasOffline) { setHelp(true, false); announce("De chat werkt nu even niet. Bel bij gevaar 112."); }
        scheduleRetry();
      });
    function done() {
      sending = false;
      typing.hidden = true;
      window.clearTimeout(slowTimer);
      if (statusBox.dataset.state === "slow") showStatus(null);
    }
  }
  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 8000);
  }
  window.addEventListener("online", function () { if (offline) { retryDelay = 2000; flush(); } });

  function handleReply(reply) {
    (reply.messages || []).forEach(function (m) {
      var custom = m.custom || {};
      addItem({ t: "bot", text: m.text || "", buttons: m.buttons || [], custom: custom });
      if (custom.kind === "safety") setHelp(true, false);
    });
    if (reply.safety && SAFETY_TEXT[reply.safety]) {
      addItem({ t: "bot", text: SAFETY_TEXT[reply.safety], custom: { kind: "safety", level: reply.safety } });
      setHelp(true, false);
    }
    if (reply.handoff) setHandoff(reply.handoff);
  }

  function askHuman() {
    var h = state.handoff;
    if (h && (h.status === "queued" || h.status === "connected")) {
      addItem({ t: "note", text: h.status === "connected" ? "Je praat al met een medewerker." : "Je wacht al op een medewerker. Je kunt alvast typen." });
      input.focus();
      return;
    }
    send("/ask_human", "Ik wil met een medewerker praten");
  }

  /* ---------- handoff to a person ---------- */

  var pollTimer = null;
  function setHandoff(info) {
    var before = state.handoff ? state.handoff.status : null;
    var lastId = state.handoff && state.handoff.ticket === info.ticket ? state.handoff.lastId || 0 : 0;
    state.handoff = { ticket: info.ticket, status: info.status, lastId: lastId };
    save();
    renderHandoff();
    if (info.status === "unavailable" && before !== "unavailable") {
      addItem({ t: "callback", hours: info.hours || [] }, true);
    }
    if (info.status === "ended" && before && before !== "ended") {
      addItem({ t: "note", text: "Je praat weer met de chat." });
    }
    if (info.status === "queued" || info.status === "connected") startPolling();
    else stopPolling();
  }
  function renderHandoff() {
    var status = state.handoff && state.handoff.status;
    root.classList.toggle("jb-handoff", status === "queued" || status === "connected");
    handoffBar.hidden = !(status === "queued" || status === "connected");
    handoffBar.dataset.status = status || "";
    handoffBar.textContent = status === "connected"
      ? "Je praat nu met een medewerker van de gemeente."
      : "Je wacht op een medewerker. Je kunt alvast typen wat je wilt vertellen.";
  }
  function startPolling() { if (!pollTimer) { pollTimer = window.setInterval(poll, POLL_MS); poll(); } }
  function stopPolling() { if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; } }
  var polling = false;
  function poll() {
    var h = state.handoff;
    if (!h || polling) return;
    polling = true;
    api("GET", "/chat/updates?conversation=" + encodeURIComponent(state.conversation) + "&after=" + (h.lastId || 0), undefined, 10000)
      .then(function (data) {
        polling = false;
        if (!state.handoff || data.status === "none") { stopPolling(); return; }
        (data.messages || []).forEach(function (m) {
          if (m.id <= (state.handoff.lastId || 0)) return;
          addItem(m.sender === "staff" ? { t: "staff", text: m.text } : { t: "note", text: m.text });
        });
        state.handoff.lastId = Math.max(state.handoff.lastId || 0, data.last_id || 0);
        save();
        if (data.status !== state.handoff.status) setHandoff(data);
        if (offline) { setOffline(false); flush(); }
      })
      .catch(function () { polling = false; /* tried again at the next tick */ });
  }

  /* ---------- Gesprek wissen ---------- */

  function flushForget() {
    (state.forget || []).slice().forEach(function (id) {
      api("DELETE", "/chat/conversations/" + encodeURIComponent(id)).then(function (r) {
        if (r && r.deleted) { state.forget = state.forget.filter(function (x) { return x !== id; }); save(); }
      }).catch(function () { /* next time */ });
    });
  }
  function wipe() {
    var old = state.conversation;
    confirmYes.disabled = true;
    api("DELETE", "/chat/conversations/" + encodeURIComponent(old)).then(function (r) {
      return r && r.deleted;
    }, function () { return false; }).then(function (deleted) {
      confirmYes.disabled = false;
      confirmBox.hidden = true;
      stopPolling();
      var pendingForget = (state.forget || []).concat(deleted ? [] : [old]);
      var wasOpen = state.open;
      state = freshState();
      state.open = wasOpen;
      state.forget = pendingForget;
      save();
      renderAll();
      renderHandoff();
      setOffline(false);
      addItem({
        t: "note",
        text: deleted
          ? "Je gesprek is gewist, hier en op onze server. Je kunt opnieuw beginnen."
          : "Je gesprek is hier gewist. Op onze server lukte dat nu niet. We proberen het opnieuw zodra de chat weer werkt."
      });
      input.focus();
    });
  }

  /* ---------- typing ---------- */

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  /* ---------- start ---------- */

  function mount() {
    document.body.appendChild(host);
    renderAll();
    renderHandoff();
    if (state.open) setOpen(true, false);
    var h = state.handoff;
    if (h && (h.status === "queued" || h.status === "connected")) startPolling();
    if (state.queue.length) flush();
    flushForget();
    if (data.ask && !state.items.length) { setOpen(true, false); send(data.ask, data.askLabel || data.ask); }
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
