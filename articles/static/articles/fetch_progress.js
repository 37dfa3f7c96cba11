/* Live fetch progress on the admin's "Add URLs" result table: polls until every row settles. */
(function () {
  "use strict";
  const table = document.getElementById("add-url-results");
  if (!table) return;
  const rows = new Map();
  table.querySelectorAll("tr[data-article-id]").forEach((row) => rows.set(row.dataset.articleId, row));
  if (rows.size === 0) return;
  const statusUrl = table.dataset.statusUrl;
  const summary = document.getElementById("add-url-progress");
  let delay = 1000;

  function settled(state) {
    return state === "done" || state === "failed";
  }

  async function poll() {
    const ids = Array.from(rows.keys()).join(",");
    let data;
    try {
      const response = await fetch(statusUrl + "?ids=" + encodeURIComponent(ids), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(response.status);
      data = await response.json();
    } catch (error) {
      delay = Math.min(delay * 2, 10000);
      window.setTimeout(poll, delay);
      return;
    }
    let open = 0;
    for (const [id, row] of rows) {
      const info = data.articles[id];
      if (!info) continue;
      row.querySelector(".fetch-state").textContent = info.label;
      row.querySelector(".fetch-state").dataset.state = info.state;
      row.querySelector(".fetch-error").textContent = info.error;
      if (info.title) row.querySelector(".article-title").textContent = info.title;
      if (!settled(info.state)) open += 1;
    }
    if (summary) {
      // The page gives the words in the editor's language; {count} stands for the number.
      const fetching = summary.dataset.stillFetching || "Still fetching: {count}…";
      const done = summary.dataset.allFetched || "All fetched.";
      summary.textContent = open ? fetching.replace("{count}", String(open)) : done;
    }
    if (open) window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, delay);
})();
