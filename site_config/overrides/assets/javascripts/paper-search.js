/* The paper search in the header (partials/paper-search.html), over the Pagefind
   index in pagefind/ (one record per paper, issue and tag: generator/outputs/search.py).
   Pagefind's own script (pagefind.js, loaded from this site when the search first
   opens) fetches only the index chunks of the words typed and the records shown.
   Keys as in Material: "/" or "s" opens the search, arrows move through the
   results, Enter opens one, Esc closes. Every text shown is set as text; only
   Pagefind's <mark>s around matched words are kept from its excerpts. */
(function () {
  "use strict";
  var PAGE = 10;  // results shown at a time
  var root = document.querySelector("[data-nl-search]");
  if (!root) return;
  var toggle = document.getElementById("__search");
  var form = root.querySelector("form");
  var input = root.querySelector("input[name=query]");
  var meta = root.querySelector(".md-search-result__meta");
  var list = root.querySelector(".md-search-result__list");
  var more = root.querySelector(".nl-search__more");
  var tagBox = root.querySelector(".nl-search__tag-list");
  var tagSummary = root.querySelector(".nl-search__tags summary");
  var yearSelect = root.querySelector("select[name=year]");
  var issueSelect = root.querySelector("select[name=issue]");
  var siteRoot = new URL(root.getAttribute("data-nl-root"), document.baseURI);
  var pagefindUrl = new URL(root.getAttribute("data-nl-pagefind"), document.baseURI).href;
  var pagefind = null, loading = null, filled = false, current = null, shown = 0, generation = 0;

  function load() {
    if (!loading) {
      loading = import(pagefindUrl).then(function (module) {
        pagefind = module;
        return module.options({ excerptLength: 24 });
      }).then(function () {
        pagefind.init();
        return pagefind;
      });
    }
    return loading;
  }

  function text(tag, className, value) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = value;
    return element;
  }

  // Pagefind's excerpt is escaped text with <mark> around matches: keep only those.
  function excerpt(html) {
    var box = document.createElement("p");
    box.className = "md-search-result__teaser";
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html").body;
    parsed.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") box.appendChild(text("mark", "", node.textContent));
      else box.appendChild(document.createTextNode(node.textContent));
    });
    return box;
  }

  function issueLabel(value) {  // "2021-03 · Best of arXiv — March 2021" -> the title
    var cut = value.indexOf(" · ");
    return cut === 7 ? value.slice(cut + 3) : value;
  }

  function fillFilters(filters) {
    if (filled) return;
    filled = true;
    Object.keys(filters.tag || {}).sort(function (a, b) { return a.localeCompare(b); }).forEach(function (name) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "tag";
      box.value = name;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + name + " "));
      label.appendChild(text("span", "nl-search__count", String(filters.tag[name])));
      tagBox.appendChild(label);
    });
    Object.keys(filters.year || {}).sort().reverse().forEach(function (year) {
      yearSelect.appendChild(new Option(year, year));
    });
    Object.keys(filters.issue || {}).sort().reverse().forEach(function (value) {
      issueSelect.appendChild(new Option(issueLabel(value), value));
    });
  }

  function chosen() {
    var filters = {};
    var tags = [].map.call(tagBox.querySelectorAll("input:checked"), function (box) { return box.value; });
    if (tags.length) filters.tag = tags;  // every ticked tag
    if (yearSelect.value) filters.year = yearSelect.value;
    if (issueSelect.value) filters.issue = issueSelect.value;
    tagSummary.textContent = tags.length ? "Tags (" + tags.length + ")" : "Tags";
    return filters;
  }

  function open() {
    if (toggle && !toggle.checked) toggle.checked = true;
    load().then(function (pf) { return pf.filters(); }).then(fillFilters).catch(failed);
  }

  function close() {
    if (toggle) toggle.checked = false;
    if (root.contains(document.activeElement)) document.activeElement.blur();
  }

  function failed(error) {
    meta.textContent = "Search is not available right now.";
    if (window.console) console.warn("search:", error);
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = new URL(data.meta.link || "", siteRoot).href;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset nl-result nl-result--" + (data.meta.kind || "page");
    article.appendChild(text("div", "nl-result__title", data.meta.title || data.meta.link));
    var line = [data.meta.authors, data.meta.issue].filter(Boolean).join(" · ");
    if (line) article.appendChild(text("div", "nl-result__meta", line));
    if (data.excerpt) article.appendChild(excerpt(data.excerpt));
    var tags = (data.filters && data.filters.tag) || [];
    if (tags.length) {
      var row = document.createElement("div");
      row.className = "nl-result__tags";
      tags.forEach(function (tag) { row.appendChild(text("span", "nl-result__tag", tag)); });
      article.appendChild(row);
    }
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  function showMore(first) {
    var mine = generation, results = current.results.slice(shown, shown + PAGE);
    return Promise.all(results.map(function (r) { return r.data(); })).then(function (all) {
      if (mine !== generation) return;
      if (first) list.textContent = "";
      all.forEach(function (data) { list.appendChild(item(data)); });
      shown += all.length;
      more.hidden = shown >= current.results.length;
    });
  }

  function count(n) {
    return n === 0 ? "No matching papers" : n === 1 ? "1 result" : n + " results";
  }

  function search() {
    var query = input.value.trim(), filters = chosen(), mine = ++generation;
    if (!query && !Object.keys(filters).length) {
      list.textContent = "";
      more.hidden = true;
      meta.textContent = "Type to search papers";
      return;
    }
    load().then(function (pf) {
      return pf.debouncedSearch(query || null, { filters: filters }, 60);
    }).then(function (found) {
      if (found === null || mine !== generation) return;  // a newer query is on its way
      current = found;
      shown = 0;
      meta.textContent = count(found.results.length);
      if (!found.results.length) {
        list.textContent = "";
        more.hidden = true;
        return;
      }
      return showMore(true);
    }).catch(failed);
  }

  function links() { return [].slice.call(list.querySelectorAll(".md-search-result__link")); }

  input.addEventListener("focus", open);
  input.addEventListener("input", search);
  root.addEventListener("change", function (event) {
    if (event.target.matches("select, input[type=checkbox]")) search();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first) first.click();
  });
  form.addEventListener("reset", function () { setTimeout(function () { search(); input.focus(); }, 0); });
  more.addEventListener("click", function () { showMore(false).then(function () { (links()[shown - PAGE] || more).focus(); }); });
  list.addEventListener("click", function (event) {
    if (event.target.closest(".md-search-result__link")) close();  // same page: the overlay must go
  });
  if (toggle) toggle.addEventListener("change", function () {
    if (toggle.checked) { open(); input.focus(); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var inside = root.contains(document.activeElement), target = event.target;
    var typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (toggle && toggle.checked && event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    if (!inside) {
      if (!typing && (event.key === "/" || event.key === "s" || event.key === "f")) {
        event.preventDefault();
        open();
        input.focus();
      }
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (target.tagName === "SELECT" || (target.type === "checkbox" && target.closest("details"))) return;
    var all = links(), at = all.indexOf(document.activeElement);
    if (!all.length) return;
    event.preventDefault();
    if (event.key === "ArrowDown") (all[at + 1] || all[all.length - 1]).focus();
    else if (at <= 0) input.focus();
    else all[at - 1].focus();
  });
})();
