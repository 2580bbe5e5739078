/* The content editor (/editor). The server decides who may do what; this page
   only shows the buttons that make sense for the role. */
(function () {
  "use strict";
  var S = window.StaffSession, me = null, current = null;
  var PUBLISHERS = ["beheerder", "eindredacteur"];
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) { var n = document.createElement(tag); if (text) n.textContent = text; if (cls) n.className = cls; return n; }
  function lines(text) { return text.split("\n").map(function (l) { return l.trim(); }).filter(Boolean); }
  function pairs(text) { return lines(text).map(function (l) { var i = l.indexOf("|"); return i < 0 ? [l, ""] : [l.slice(0, i).trim(), l.slice(i + 1).trim()]; }); }
  function sources(text) { return pairs(text).map(function (p) { return p[1] ? { title: p[0], url: p[1] } : { title: p[0] }; }); }
  function sourceText(list) { return (list || []).map(function (s) { return s.title + (s.url ? " | " + s.url : ""); }).join("\n"); }
  function sectionText(obj) { return Object.keys(obj || {}).map(function (k) { return k + " | " + obj[k]; }).join("\n"); }
  function sectionsOf(text) { var o = {}; pairs(text).forEach(function (p) { if (p[0] && p[1]) o[p[0]] = p[1]; }); return o; }
  function say(text, ok, warnings) {
    var box = $("message"); box.textContent = "";
    box.appendChild(el("div", text, ok ? "ok" : "warn"));
    (warnings || []).forEach(function (w) { box.appendChild(el("div", w, "warn")); });
  }
  function fail(e) { say("Niet gelukt: " + e.message, false); }
  function publisher() { return me && PUBLISHERS.indexOf(me.role) >= 0; }

  function showCheck(kind, key, item) {
    $("check").hidden = !key;
    $("check-status").textContent = item && item.last_checked
      ? "Gecontroleerd op " + item.last_checked + (item.checked_by ? " door " + item.checked_by : "") + "."
      : "Nog niet gecontroleerd. Alleen een eindredacteur zet dit, na het nalezen van de bronnen.";
    $("checked").hidden = !publisher() || !key;
    $("checked").onclick = function () {
      S.call("POST", "/api/v1/editorial/" + kind + "/" + encodeURIComponent(key) + "/checked", { note: "" })
        .then(function (r) { say("Vastgelegd: gecontroleerd op " + r.last_checked + " door " + r.checked_by + ".", true); item.last_checked = r.last_checked; item.checked_by = r.checked_by; showCheck(kind, key, item); loadLists(); })
        .catch(fail);
    };
  }
  function showDiff(changes) {
    var box = $("diff"); box.textContent = "";
    if (!changes.length) { box.appendChild(el("p", "Geen verschil.")); return; }
    changes.forEach(function (c) {
      box.appendChild(el("h3", "Veld: " + c.field));
      c.lines.forEach(function (l) { box.appendChild(el("span", l, l[0] === "-" ? "del" : l[0] === "+" ? "add" : "")); });
    });
  }
  // The real chat widget answering with this version, on a page of its own (nothing is published).
  function previewLink(v) {
    var a = el("a", "Voorbeeld in de chat", "preview");
    a.href = "/editor/voorbeeld/" + v.id;
    a.setAttribute("aria-label", "Bekijk versie " + v.number + " als voorbeeld in de chat");
    return a;
  }
  function loadHistory(kind, key) {
    $("history").hidden = !key; $("diff").textContent = "";
    if (!key) return;
    var base = "/api/v1/editorial/" + kind + "/" + encodeURIComponent(key);
    S.call("GET", base + "/versions").then(function (list) {
      var body = $("versions"); body.textContent = "";
      if (!list.length) { var tr = el("tr"); var td = el("td", "Nog geen wijzigingen: dit is de tekst uit de inhoudsbestanden."); td.colSpan = 6; tr.appendChild(td); body.appendChild(tr); }
      list.forEach(function (v) {
        var tr = el("tr");
        [String(v.number), v.status, v.author, v.at.slice(0, 16).replace("T", " "), v.reason || ""].forEach(function (t) { tr.appendChild(el("td", t)); });
        var td = el("td");
        var d = el("button", "Verschil met nu", "secondary"); d.type = "button";
        d.setAttribute("aria-label", "Verschil tussen versie " + v.number + " en de tekst van nu");
        d.onclick = function () { S.call("GET", base + "/diff?old=" + v.number).then(function (r) { showDiff(r.changes); }).catch(fail); };
        var r = el("button", "Terugzetten", "secondary"); r.type = "button";
        r.setAttribute("aria-label", "Zet versie " + v.number + " terug");
        r.onclick = function () { S.call("POST", base + "/restore/" + v.number).then(function (x) { say(x.live ? "Versie " + v.number + " staat weer live." : "Terugzetten voorgesteld; een eindredacteur beoordeelt het.", true); loadLists(); loadHistory(kind, key); }).catch(fail); };
        td.appendChild(d); td.appendChild(r); td.appendChild(previewLink(v)); tr.appendChild(td); body.appendChild(tr);
      });
    }).catch(fail);
  }
  function openArticle(a) {
    current = a; $("local").hidden = true; $("article").hidden = false; $("message").textContent = "";
    $("title").textContent = a.title || "Nieuw artikel";
    $("a-slug").value = a.slug || ""; $("a-slug").readOnly = !!a.slug;
    $("a-category").value = a.category || "overig"; $("a-title").value = a.title || "";
    $("a-short").value = a.short_answer || ""; $("a-body").value = a.body || "";
    $("a-sections").value = sectionText(a.sections);
    $("a-questions").value = (a.example_questions || []).join("\n"); $("a-sources").value = sourceText(a.sources);
    $("a-published").value = String(a.published !== false); $("a-reason").value = "";
    $("a-save").textContent = publisher() ? "Publiceren" : "Voorstellen aan de eindredactie";
    showCheck("article", a.slug, a); loadHistory("article", a.slug);
  }
  function articleBody() {
    return {
      title: $("a-title").value, category: $("a-category").value, short_answer: $("a-short").value, body: $("a-body").value,
      sections: sectionsOf($("a-sections").value), example_questions: lines($("a-questions").value), sources: sources($("a-sources").value),
      tags: (current && current.tags) || {}, audience: (current && current.audience) || ["ouders", "clientondersteuners"],
      related: (current && current.related) || [], published: $("a-published").value === "true", reason: $("a-reason").value
    };
  }
  function saveArticle(concept) {
    var slug = $("a-slug").value;
    S.call("PUT", "/api/v1/articles/" + encodeURIComponent(slug) + (concept ? "?actie=concept" : ""), articleBody())
      .then(function (r) { say(r.message, true, r.warnings); loadLists(); loadHistory("article", slug); }).catch(fail);
  }
  $("article").addEventListener("submit", function (ev) { ev.preventDefault(); saveArticle(false); });
  $("a-concept").addEventListener("click", function () { if ($("article").reportValidity()) saveArticle(true); });

  function openLocal(l) {
    current = l; $("article").hidden = true; $("local").hidden = false; $("message").textContent = "";
    $("title").textContent = l.key ? "Lokale versie: " + l.key : "Nieuwe lokale versie";
    $("l-key").value = l.key || ""; $("l-key").readOnly = !!l.key; $("l-article").value = l.article || ""; $("l-mode").value = l.mode || "replace";
    $("l-municipalities").value = (l.municipalities || (me && me.municipalities.indexOf("*") < 0 ? me.municipalities : []) || []).join(", ");
    $("l-short").value = l.short_answer || ""; $("l-body").value = l.body || ""; $("l-sources").value = sourceText(l.sources); $("l-reason").value = "";
    if (l.editable === false) say("Deze lokale versie hoort bij een andere gemeente. Je kunt hem lezen, niet wijzigen.", false);
    showCheck("local", l.key, l); loadHistory("local", l.key);
  }
  function saveLocal(concept) {
    var key = $("l-key").value;
    var body = { article: $("l-article").value, mode: $("l-mode").value,
      municipalities: $("l-municipalities").value.split(",").map(function (m) { return m.trim(); }).filter(Boolean),
      short_answer: $("l-short").value, body: $("l-body").value, sources: sources($("l-sources").value), reason: $("l-reason").value };
    S.call("PUT", "/api/v1/local/" + encodeURIComponent(key) + (concept ? "?actie=concept" : ""), body)
      .then(function (r) { say(r.message, true, r.warnings); loadLists(); loadHistory("local", key); }).catch(fail);
  }
  $("local").addEventListener("submit", function (ev) { ev.preventDefault(); saveLocal(false); });
  $("l-concept").addEventListener("click", function () { if ($("local").reportValidity()) saveLocal(true); });
  $("new").addEventListener("click", function () { openArticle({}); });
  $("new-local").addEventListener("click", function () { openLocal({}); });

  function button(text, onclick, data) {
    var b = el("button", text, "item"); b.type = "button"; b.addEventListener("click", onclick);
    Object.keys(data || {}).forEach(function (k) { b.dataset[k] = data[k]; }); return b;
  }
  function loadReview() {
    S.call("GET", "/api/v1/editorial/review").then(function (list) {
      var box = $("review"); box.textContent = "";
      if (!list.length) box.appendChild(el("p", "Niets."));
      list.forEach(function (v) {
        var wrap = el("div");
        wrap.appendChild(button(v.key + " · versie " + v.number + " · " + v.status + " · " + v.author, function () {
          $("title").textContent = "Voorstel: " + v.key + " (versie " + v.number + ")"; $("article").hidden = $("local").hidden = true;
          $("check").hidden = true; $("history").hidden = false; $("versions").textContent = ""; showDiff(v.changes);
          say(v.reason ? "Waarom: " + v.reason : "Geen reden opgegeven.", true);
          $("diff").appendChild(previewLink(v));
          if (publisher()) {
            var ok = el("button", "Publiceren"); ok.type = "button";
            var no = el("button", "Afwijzen", "secondary"); no.type = "button";
            ok.onclick = function () { S.call("POST", "/api/v1/editorial/versions/" + v.id + "/publish", { note: "" }).then(function () { say("Gepubliceerd. De chat gebruikt dit meteen.", true); loadLists(); }).catch(fail); };
            no.onclick = function () { S.call("POST", "/api/v1/editorial/versions/" + v.id + "/reject", { note: "" }).then(function () { say("Afgewezen.", true); loadLists(); }).catch(fail); };
            $("diff").appendChild(ok); $("diff").appendChild(no);
          }
        }, { version: v.id }));
        box.appendChild(wrap);
      });
    }).catch(fail);
  }
  var articles = [], locals = [];
  function loadLists() {
    loadReview();
    return Promise.all([S.call("GET", "/api/v1/articles"), S.call("GET", "/api/v1/local"), S.call("GET", "/api/v1/editorial/overdue")]).then(function (r) {
      articles = r[0]; locals = r[1];
      var box = $("articles"); box.textContent = "";
      articles.forEach(function (a) { box.appendChild(button(a.title, function () { openArticle(a); }, { slug: a.slug })); });
      box = $("locals"); box.textContent = "";
      locals.forEach(function (l) { box.appendChild(button(l.key + (l.editable ? "" : " (alleen lezen)"), function () { openLocal(l); }, { key: l.key })); });
      box = $("overdue"); box.textContent = "";
      box.appendChild(el("p", r[2].length + " teksten."));
      r[2].slice(0, 15).forEach(function (o) {
        box.appendChild(button(o.title + " · " + (o.last_checked || "nooit"), function () {
          var item = (o.kind === "article" ? articles.filter(function (a) { return a.slug === o.key; }) : locals.filter(function (l) { return l.key === o.key; }))[0];
          if (item) { if (o.kind === "article") openArticle(item); else openLocal(item); }
        }));
      });
    }).catch(fail);
  }
  S.ready.then(function (info) {
    me = info;
    return loadLists();
  }).then(function () {
    var params = new URLSearchParams(location.search);
    // From /inzichten: a new article with the questions parents asked, or those questions added to one.
    if (params.getAll("nieuw").length) openArticle({ example_questions: params.getAll("nieuw") });
    if (params.get("artikel")) {
      var a = articles.filter(function (x) { return x.slug === params.get("artikel"); })[0];
      if (a) { openArticle(a); params.getAll("vraag").forEach(function (q) { $("a-questions").value += "\n" + q; }); }
    }
  });
})();
