/* Shared by the staff pages (/editor, /staff): who is logged in, the logout
   button, and fetch() with the CSRF token on every change. */
(function () {
  "use strict";
  var me = null;
  function call(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (method !== "GET" && me) headers["X-CSRF-Token"] = me.csrf;
    return fetch(path, { method: method, headers: headers, credentials: "same-origin",
      body: body !== undefined ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 401) { window.location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search); }
        return r.json().then(function (j) { if (!r.ok) { var e = new Error(j.detail || String(r.status)); e.status = r.status; throw e; } return j; });
      });
  }
  function userBar(info) {
    var bar = document.getElementById("userbar");
    if (!bar) return;
    bar.textContent = "";
    var who = document.createElement("span");
    who.textContent = "Ingelogd als " + info.username + " (" + info.role +
      (info.municipalities.length ? ", " + info.municipalities.join(", ") : "") + ")";
    var form = document.createElement("form");
    form.method = "post"; form.action = "/logout";
    var csrf = document.createElement("input");
    csrf.type = "hidden"; csrf.name = "csrf"; csrf.value = info.csrf;
    var button = document.createElement("button");
    button.type = "submit"; button.textContent = "Uitloggen"; button.id = "logout";
    form.appendChild(csrf); form.appendChild(button);
    bar.appendChild(who); bar.appendChild(form);
  }
  window.StaffSession = {
    ready: call("GET", "/api/v1/me").then(function (info) { me = info; userBar(info); return info; }),
    call: call
  };
})();
