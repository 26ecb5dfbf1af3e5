// Injected by `build.py --watch` into the pages it serves (never into built files).
// Reloads this deck when it was rebuilt (reveal.js keeps the slide in the URL, so the
// lecturer stays on it), and shows a failed build's error over the last good deck.
(function () {
  var deck = decodeURIComponent(location.pathname.split("/").pop().replace(/\.html$/, "")) || "index";
  var seen = null;

  function showError(message) {
    var box = document.getElementById("livedeck-error");
    if (!message) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("pre");
      box.id = "livedeck-error";
      box.style.cssText = "position:fixed;left:2%;right:2%;bottom:2%;max-height:60%;overflow:auto;z-index:1000;" +
        "margin:0;padding:16px 20px;background:#fff4f2;color:#8a1c12;border:3px solid #b3261e;" +
        "font:16px/1.4 'DejaVu Sans Mono',monospace;white-space:pre-wrap;box-shadow:0 4px 24px rgba(0,0,0,.3)";
      document.body.appendChild(box);
    }
    box.textContent = "This lesson failed to build" + (document.querySelector(".reveal") ?
      "; the deck below is its last good build." : ".") + "\n\n" + message;
  }

  function poll() {
    fetch("/__livedeck__/status", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (status) {
        var version = status.versions[deck] || 0;
        if (seen === null) seen = version;
        else if (version !== seen) { location.reload(); return; }
        showError(status.errors[deck]);
        setTimeout(poll, 400);
      })
      .catch(function () { setTimeout(poll, 1000); });  // the server is restarting
  }
  poll();
})();
