// No lost work on a staff form split into parts (<section data-part="code">): each part is saved
// a moment after one stops typing in it (only its values, no files, with save_part=code and
// autosave=1; the server answers JSON: the new hidden values, such as versions, or why nothing
// was saved); a warning before leaving with changes not saved; a warning a few minutes before the
// session expires, with a button that renews it. Without this script every Save button posts the
// whole form, and a post after the session expired is kept by the server (staff/drafts.py).
(function () {
  "use strict";
  var form = document.querySelector("form[data-drafts]");
  var texts = document.getElementById("draft-texts");
  if (!form || !texts || !window.fetch || !window.FormData) return;
  var WAIT = 1500;
  var WARN_BEFORE = 5 * 60;
  var address = form.getAttribute("action") || window.location.href;
  var parts = {};
  var submitting = false;
  var inflight = [];

  function text(name, value) {
    var template = texts.dataset[name] || "";
    return value === undefined ? template : template.replace("%s", value);
  }

  function state(code) {
    if (!parts[code]) parts[code] = { edits: 0, saved: 0, timer: null, failed: false };
    return parts[code];
  }

  function show(code, message) {
    form.querySelectorAll('[data-part-status="' + code + '"]').forEach(function (element) {
      element.textContent = message;
    });
    var live = document.getElementById("autosave-status");
    if (live) live.textContent = code + ": " + message;
  }

  function kept(input) {
    // Files and a file's removal are saved only with a Save button; an answer
    // to a unit is sent only with it (sending is not a draft).
    if (!input.name || input.disabled || input.type === "file") return false;
    if (input.type === "submit" || input.type === "button") return false;
    if (/^remove-/.test(input.name) || input.hasAttribute("data-no-autosave")) return false;
    return !((input.type === "checkbox" || input.type === "radio") && !input.checked);
  }

  function body(section, code) {
    var data = new FormData();
    form.querySelectorAll(":scope > input[type=hidden]").forEach(function (input) {
      data.append(input.name, input.value);
    });
    section.querySelectorAll("input, textarea, select").forEach(function (input) {
      if (kept(input)) data.append(input.name, input.value);
    });
    data.append("save_part", code);
    data.append("autosave", "1");
    return data;
  }

  function save(section) {
    var code = section.dataset.part;
    var part = state(code);
    var edits = part.edits;
    show(code, text("saving"));
    var request = fetch(address, {
      method: "POST",
      body: body(section, code),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        // A redirect to the sign-in page: the session expired (the server kept the values).
        if (response.redirected || type.indexOf("json") < 0) throw new Error("expired");
        return response.json();
      })
      .then(function (answer) {
        if (!answer.saved) {
          part.failed = true;
          show(code, text("notSaved", (answer.problems || []).join(" ")));
          return false;
        }
        Object.keys(answer.values || {}).forEach(function (name) {
          form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
            input.value = answer.values[name];
          });
        });
        part.failed = false;
        part.saved = edits;
        show(code, part.edits === edits ? text("saved", answer.at) : text("unsaved"));
        renewed();
        return true;
      })
      .catch(function (error) {
        part.failed = true;
        show(code, text(error.message === "expired" ? "expired" : "offline"));
        return false;
      })
      .then(function (saved) {
        inflight.splice(inflight.indexOf(request), 1);
        return saved;
      });
    inflight.push(request);
    return request;
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  function changed(event) {
    var section = event.target.closest("[data-part]");
    if (!section || !event.target.name) return;
    var part = state(section.dataset.part);
    if (event.type === "change" && event.target.type !== "file" && event.target.type !== "checkbox") return;
    part.edits += 1;
    clearTimeout(part.timer);
    if (event.target.type === "file") {
      show(section.dataset.part, text("file"));
      return;
    }
    if (!kept(event.target)) {
      show(section.dataset.part, text("unsaved"));
      return;
    }
    show(section.dataset.part, text("unsaved"));
    part.timer = setTimeout(function () {
      save(section);
    }, WAIT);
  }

  function unsaved() {
    if (Object.keys(parts).some(function (code) { return parts[code].edits !== parts[code].saved; })) {
      return true;
    }
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  // Any button of the form posts all of it: nothing typed is lost, so no warning then. An
  // autosave still under way finishes first, so the post carries the versions it answers.
  form.addEventListener("submit", function (event) {
    Object.keys(parts).forEach(function (code) {
      clearTimeout(parts[code].timer);
    });
    if (inflight.length && form.requestSubmit) {
      event.preventDefault();
      var submitter = event.submitter;
      Promise.all(inflight).then(function () {
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      });
      return;
    }
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !unsaved()) return;
    event.preventDefault();
    event.returnValue = text("leave");
    return event.returnValue;
  });

  // The session: renewed by every request to the server, so the page knows when it ends.
  var warning = document.getElementById("session-warning");
  var seconds = warning ? parseInt(warning.dataset.seconds, 10) : 0;
  var warnTimer = null;

  function renewed() {
    if (!warning || !seconds) return;
    warning.hidden = true;
    clearTimeout(warnTimer);
    var ends = new Date(Date.now() + seconds * 1000);
    warnTimer = setTimeout(function () {
      var end = warning.querySelector("[data-session-end]");
      if (end) end.textContent = ends.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
      warning.hidden = false;
    }, Math.max(seconds - WARN_BEFORE, seconds / 2) * 1000);
  }

  if (warning) {
    warning.querySelector("[data-keep-alive]").addEventListener("click", function () {
      var token = form.querySelector("[name=csrfmiddlewaretoken]");
      var data = new FormData();
      if (token) data.append("csrfmiddlewaretoken", token.value);
      fetch(warning.dataset.keepAliveUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (response) {
        if (!response.redirected && response.ok) renewed();
      });
    });
    renewed();
  }
})();
