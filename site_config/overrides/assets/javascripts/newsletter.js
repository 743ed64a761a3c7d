/* Copy a paper's link, and copy a paper's BibTeX from its Cite control (below).
   Copy a paper's link: a click on the "#" permalink beside a paper's title also
   copies the paper's URL to the clipboard and says so in a toast (announced to
   screen readers too). Progressive enhancement: without JavaScript or clipboard
   access the permalink stays a plain link to the anchor, and the click is never
   cancelled, so the address bar shows the paper's URL either way. */
(function () {
  "use strict";
  var PERMALINK = ".nl-paper-title > a.headerlink";
  var LABEL = "Copy link to this paper";
  var timer = null;

  function toast(text) {
    var box = document.getElementById("nl-toast");
    if (!box) {  // created on first use; recreated if instant navigation dropped it
      box = document.createElement("div");
      box.id = "nl-toast";
      box.className = "nl-toast";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.classList.add("nl-toast--visible");
    clearTimeout(timer);
    timer = setTimeout(function () { box.classList.remove("nl-toast--visible"); }, 2000);
  }

  function label() {
    document.querySelectorAll(PERMALINK).forEach(function (link) {
      link.title = LABEL;
      link.setAttribute("aria-label", LABEL);
    });
  }

  // One delegated listener on the document survives Material's instant navigation.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest(PERMALINK) : null;
    if (!link || !navigator.clipboard || !window.isSecureContext) return;
    var url = link.href;  // absolute, ending in #slug
    navigator.clipboard.writeText(url).then(function () {
      link.classList.add("nl-copied");
      setTimeout(function () { link.classList.remove("nl-copied"); }, 2000);
      toast("Link copied: " + url);
    }, function () { /* permission refused: the link still navigates to the anchor */ });
  });

  // Copy BibTeX: the Cite control's button copies the entry shown above it. Without
  // JavaScript or clipboard access the entry stays readable and selectable in the page.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest(".nl-cite-copy") : null;
    if (!button) return;
    var code = button.closest(".nl-cite").querySelector(".nl-bibtex code");
    if (!code || !navigator.clipboard || !window.isSecureContext) {
      toast("Select the entry to copy it");
      return;
    }
    navigator.clipboard.writeText(code.textContent + "\n").then(function () {
      toast("BibTeX copied: " + button.getAttribute("data-bibtex-key"));
    }, function () { toast("Select the entry to copy it"); });
  });

  // Material swaps page content without reloading under navigation.instant; document$ fires per page.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(label);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", label);
  } else {
    label();
  }
})();
