// The issue workbench: every change is saved as it is made, on the revision the page holds.
// A write answers with the issue pane re-rendered and the new revision; a 409 answers that
// someone saved in between, and shows both versions with a way to re-apply the change.
"use strict";
(function () {
  function init() {
    const root = document.getElementById("workbench");
    if (!root || root.dataset.readonly) return;
    const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
    const pane = document.getElementById("wb-issue");
    const live = document.getElementById("wb-live");
    const saveState = document.getElementById("wb-save-state");
    const conflictBox = document.getElementById("wb-conflict");
    const candidates = document.getElementById("wb-candidates");
    const msg = root.dataset;
    let revision = Number(root.dataset.revision);
    let queue = Promise.resolve();
    const adding = new Set();

    function fill(text, values) {
      return text.replace(/\{(\w+)\}/g, function (whole, key) {
        return key in values ? values[key] : whole;
      });
    }

    function announce(text) {
      live.textContent = text;
    }

    function entryUrl(template, id) {
      return template.replace("/0/", "/" + id + "/");
    }

    function write(target, body, options) {
      queue = queue.then(function () {
        return send(target, body, options || {});
      });
      return queue;
    }

    function send(target, body, options) {
      body.set("revision", String(revision));
      saveState.textContent = msg.msgSaving;
      return fetch(target, {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return { error: response.status + " " + response.statusText };
            })
            .then(function (data) {
              return { status: response.status, data: data };
            });
        })
        .then(function (answer) {
          const data = answer.data;
          if (data.revision) revision = data.revision;
          if (typeof data.pane === "string") renderPane(data.pane, options.focus);
          if (answer.status === 409) {
            showConflict(data, target, body, options);
          } else if (answer.status >= 400) {
            const text = fill(msg.msgFailed, { error: data.error || answer.status });
            saveState.textContent = text;
            announce(text);
          } else {
            hideConflict();
            saveState.textContent = fill(msg.msgSaved, { revision: revision });
            if (data.announce) announce(data.announce);
            refreshCandidates();
          }
        })
        .catch(function () {
          saveState.textContent = msg.msgOffline;
          announce(msg.msgOffline);
        });
    }

    // --- the issue pane ----------------------------------------------------------------

    function renderPane(html, focusEntry) {
      const open = Array.from(pane.querySelectorAll("details[open]")).map(function (d) {
        return d.dataset.key;
      });
      const active = document.activeElement;
      const kept = active && pane.contains(active) && active.id ? active : null;
      const keptValue = kept && "value" in kept && kept.type !== "file" ? kept.value : null;
      pane.innerHTML = html;
      open.forEach(function (key) {
        const details = pane.querySelector('details[data-key="' + key + '"]');
        if (details) details.open = true;
      });
      if (focusEntry) {
        const card = document.getElementById("wb-entry-" + focusEntry);
        if (card) card.focus();
      } else if (kept) {
        const again = document.getElementById(kept.id);
        if (again) {
          if (keptValue !== null) again.value = keptValue;
          again.focus();
        }
      }
      sortables();
    }

    function cards(list) {
      return Array.from(list.querySelectorAll(":scope > .wb-card"));
    }

    function arrange(card, section, index) {
      const body = new FormData();
      body.set("section", section);
      body.set("index", String(index));
      return write(entryUrl(msg.arrangeUrl, card.dataset.entryId), body, {
        focus: card.dataset.entryId,
      });
    }

    function add(articleId, section, index) {
      const body = new FormData();
      body.set("article", articleId);
      body.set("section", section);
      if (index !== null && index !== undefined) body.set("index", String(index));
      return write(msg.addUrl, body, {});
    }

    function remove(card) {
      const next = card.nextElementSibling || card.previousElementSibling;
      const focus = next && next.classList.contains("wb-card") ? next.dataset.entryId : null;
      return write(entryUrl(msg.removeUrl, card.dataset.entryId), new FormData(), {
        focus: focus,
      });
    }

    function sortables() {
      if (!window.Sortable) return;
      pane.querySelectorAll(".wb-entries").forEach(function (list) {
        window.Sortable.create(list, {
          group: { name: "workbench", pull: true, put: true },
          animation: 0,
          forceFallback: true,
          fallbackTolerance: 4,
          delay: 200,
          delayOnTouchOnly: true,
          filter: "input, textarea, select, button, summary, a",
          preventOnFilter: false,
          onEnd: function (event) {
            if (event.from === event.to && event.oldIndex === event.newIndex) return;
            arrange(event.item, event.to.dataset.section, event.newIndex);
          },
        });
      });
    }

    pane.addEventListener("keydown", function (event) {
      const card = event.target;
      if (!card.classList || !card.classList.contains("wb-card")) return;
      const list = card.parentElement;
      const section = list.dataset.section;
      const siblings = cards(list);
      const index = siblings.indexOf(card);
      const title = card.dataset.title;
      if (event.key === "Delete") {
        event.preventDefault();
        remove(card);
        return;
      }
      if (!event.altKey) return;
      if (event.key === "ArrowUp") {
        event.preventDefault();
        if (index === 0) announce(fill(msg.msgTop, { title: title }));
        else arrange(card, section, index - 1);
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        if (index === siblings.length - 1) announce(fill(msg.msgBottom, { title: title }));
        else arrange(card, section, index + 1);
      } else if (event.key === "ArrowRight" && section === "main") {
        event.preventDefault();
        arrange(card, "others", 0);
      } else if (event.key === "ArrowLeft" && section === "others") {
        event.preventDefault();
        const main = pane.querySelector('.wb-entries[data-section="main"]');
        arrange(card, "main", cards(main).length);
      }
    });

    pane.addEventListener("click", function (event) {
      const button = event.target.closest(".wb-remove");
      if (button) remove(button.closest(".wb-card"));
    });

    pane.addEventListener("change", function (event) {
      const field = event.target;
      const form = field.form;
      if (!form || !field.name) return;
      const body = new FormData();
      if (field.type === "file") {
        if (!field.files.length) return;
        body.set(field.name, field.files[0]);
      } else if (field.type === "checkbox") {
        if (!field.checked) return;
        body.set(field.name, "1");
      } else {
        body.set(field.name, field.value);
      }
      if (form.dataset.kind === "issue") write(msg.issueUrl, body, {});
      else write(entryUrl(msg.editUrl, form.dataset.entryId), body, {});
    });

    // The intro as it will read, filled in while the editor types.
    let introTimer = null;
    pane.addEventListener("input", function (event) {
      if (event.target.id !== "wb-intro-input") return;
      clearTimeout(introTimer);
      const text = event.target.value;
      introTimer = setTimeout(function () {
        fetch(msg.introUrl + "?" + new URLSearchParams({ intro: text }), {
          credentials: "same-origin",
        })
          .then(function (response) {
            return response.text();
          })
          .then(function (filled) {
            const shown = document.getElementById("wb-intro-text");
            if (shown) shown.textContent = filled;
          })
          .catch(function () {});
      }, 250);
    });

    // --- conflicts ---------------------------------------------------------------------

    function showConflict(data, target, body, options) {
      conflictBox.innerHTML = data.conflict;
      conflictBox.hidden = false;
      saveState.textContent = data.message;
      announce(data.message);
      conflictBox.focus();
      conflictBox.querySelector(".wb-reapply").addEventListener("click", function () {
        hideConflict();
        write(target, body, options);
      });
      conflictBox.querySelector(".wb-drop").addEventListener("click", function () {
        hideConflict();
        saveState.textContent = fill(msg.msgSaved, { revision: revision });
      });
    }

    function hideConflict() {
      conflictBox.hidden = true;
      conflictBox.innerHTML = "";
    }

    // --- candidates --------------------------------------------------------------------

    function refreshCandidates() {
      if (window.htmx) window.htmx.trigger("#wb-filters", "wb-refresh");
    }

    candidates.addEventListener("click", function (event) {
      const button = event.target.closest(".wb-add");
      if (!button) return;
      const row = button.closest(".wb-candidate");
      add(row.dataset.articleId, button.dataset.section, null);
    });

    if (window.Sortable) {
      window.Sortable.create(candidates, {
        group: { name: "workbench", pull: "clone", put: false },
        sort: false,
        animation: 0,
        forceFallback: true,
        fallbackTolerance: 4,
        delay: 200,
        delayOnTouchOnly: true,
        filter: "button, a, .wb-empty",
        preventOnFilter: false,
        onEnd: function (event) {
          if (event.to === event.from) return;
          const articleId = event.item.dataset.articleId;
          event.item.remove();
          add(articleId, event.to.dataset.section, event.newIndex);
        },
      });
    }
    sortables();

    // --- history and publishing ---------------------------------------------------------

    document.querySelectorAll("[data-dialog]").forEach(function (button) {
      button.addEventListener("click", function () {
        const dialog = document.getElementById(button.dataset.dialog);
        const body = dialog.querySelector(".wb-dialog-body");
        body.textContent = "";
        dialog.showModal();
        if (window.htmx) window.htmx.trigger(body, "wb-open");
      });
    });

    // Restoring and publishing are writes like the others: the dialog closes, so a
    // refusal shows beside the issue as any other.
    document.addEventListener("click", function (event) {
      const restore = event.target.closest(".wb-restore");
      const publish = event.target.closest(".wb-publish");
      const jump = event.target.closest(".wb-goto");
      if (!restore && !publish && !jump) return;
      const dialog = event.target.closest("dialog");
      if (dialog) dialog.close();
      if (restore) {
        const body = new FormData();
        body.set("number", restore.dataset.number);
        write(msg.restoreUrl, body, {});
      } else if (publish) {
        write(msg.publishUrl, new FormData(), {});
      } else {
        event.preventDefault();
        const card = document.getElementById("wb-entry-" + jump.dataset.entryId);
        if (card) card.focus();
      }
    });

    // Pasted URLs bound for the issue join it once fetched, through the same saved writes.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target.id !== "wb-paste-status") return;
      const result = event.detail.target.querySelector(".wb-paste-result");
      let added = null;
      event.detail.target.querySelectorAll("[data-ready]").forEach(function (row) {
        const id = row.dataset.articleId;
        if (adding.has(id)) return;
        adding.add(id);
        added = add(id, "main", null);
      });
      if (added && result && !result.hasAttribute("data-hx-get")) {
        // Fetching had finished: once the last one is in, say so in the list too.
        added.then(function () {
          window.htmx.ajax("GET", result.dataset.statusUrl, {
            target: "#wb-paste-status",
            swap: "innerHTML",
          });
        });
      } else if (!result || !result.hasAttribute("data-hx-get")) {
        refreshCandidates();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
