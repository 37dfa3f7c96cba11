// "Copy as rich text" on the admin issue page: puts the HTML export on the
// clipboard as text/html (with the Markdown export as text/plain), ready to paste into
// the WeChat official-account editor or an email. Without the Clipboard API the link
// simply opens the HTML export, to copy by hand.
(() => {
  "use strict";

  const link = document.getElementById("copy-rich-text");
  const status = document.getElementById("copy-rich-text-status");
  if (!link || !navigator.clipboard || typeof ClipboardItem === "undefined") {
    return;
  }

  const say = (text) => {
    if (status) {
      status.textContent = text;
    }
  };

  // Only the content section: the centring table around it is for email files and
  // would show up as a bordered box in the WeChat editor.
  const contentOf = (html) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const root = doc.getElementById("content");
    return root ? root.outerHTML : doc.body.innerHTML;
  };

  const fetchBlob = async (url, type, transform) => {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      throw new Error(`the export answered ${response.status}`);
    }
    return new Blob([transform(await response.text())], { type });
  };

  link.addEventListener("click", async (event) => {
    event.preventDefault();
    say(link.dataset.copying || "Copying…");
    try {
      // Promises, not finished blobs: Safari only allows clipboard writes that start
      // inside the click, before any await.
      const item = new ClipboardItem({
        "text/html": fetchBlob(link.href, "text/html", contentOf),
        "text/plain": fetchBlob(link.dataset.textUrl, "text/plain", (text) => text),
      });
      await navigator.clipboard.write([item]);
      say(link.dataset.copied || "Copied. Paste it into the WeChat editor or an email.");
    } catch (error) {
      // The page gives the words in the editor's language; {error} stands for the reason.
      const failed =
        link.dataset.failed || "Could not copy ({error}). Open the link and copy the page instead.";
      say(failed.replace("{error}", error.message));
    }
  });
})();
