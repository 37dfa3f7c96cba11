// Keyboard triage on the admin inbox: j/k move between rows, s shortlists, d dismisses.
"use strict";
(function () {
  function init() {
    const keys = document.getElementById("inbox-keys");
    const table = document.getElementById("result_list");
    if (!keys || !table) return;
    const rows = Array.from(table.querySelectorAll("tbody tr"));
    const status = keys.querySelector(".inbox-status");
    const urlTemplate = keys.dataset.triageUrl;
    const token = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
    let current = -1;

    table.setAttribute("aria-describedby", "inbox-help");
    rows.forEach(function (row) { row.tabIndex = -1; });

    function idOf(row) {
      const box = row.querySelector("input.action-select");
      return box ? box.value : null;
    }

    function move(to) {
      if (!rows.length) return;
      if (current >= 0) {
        rows[current].classList.remove("inbox-current");
        rows[current].removeAttribute("aria-current");
      }
      current = Math.max(0, Math.min(rows.length - 1, to));
      const row = rows[current];
      row.classList.add("inbox-current");
      row.setAttribute("aria-current", "true");
      row.focus();
    }

    function triage(state, label) {
      if (current < 0) move(0);
      const row = rows[current];
      const id = idOf(row);
      if (!id) return;
      const body = new URLSearchParams({ state: state });
      fetch(urlTemplate.replace("/0/", "/" + id + "/"), {
        method: "POST",
        headers: { "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded" },
        credentials: "same-origin",
        body: body,
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          const badge = row.querySelector(".feed-badge");
          if (badge) badge.outerHTML = data.badge;
          const title = row.querySelector(".inbox-link");
          status.textContent = label + ": " + (title ? title.textContent : id);
          move(current + 1);
        })
        .catch(function () {
          status.textContent = keys.dataset.labelFailed;
        });
    }

    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
        if (!(target.classList && target.classList.contains("action-select"))) return;
      }
      switch (event.key) {
        case "j": move(current + 1); break;
        case "k": move(current - 1); break;
        case "s": triage("shortlisted", keys.dataset.labelShortlisted); break;
        case "d": triage("dismissed", keys.dataset.labelDismissed); break;
        default: return;
      }
      event.preventDefault();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
