// Anjian's own behaviour, in a static file: the Content-Security-Policy allows no inline script
// and no inline event handler (docs/platform.md, "CSP").
(function () {
  "use strict";

  // Elements that submit their form when changed (the language switch).
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target instanceof HTMLElement && target.matches("[data-submit-on-change]")) {
      target.form.submit();
    }
  });

  // Forms that ask before they submit (a deletion): data-confirm holds the question.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Progress bars: the width comes from data-progress (a style attribute would need
  // 'unsafe-inline' for styles).
  function setProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.style.width = bar.dataset.progress + "%";
    });
  }

  // Actions on "the current list" (export, map, bulk dossiers) carry data-follows-query: after
  // htmx updates the list and pushes its address, they take the new filters (without the page).
  function followQuery() {
    const params = new URLSearchParams(window.location.search);
    params.delete("page");
    const query = params.toString();
    document.querySelectorAll("a[data-follows-query]").forEach(function (link) {
      const url = new URL(link.getAttribute("href"), window.location.href);
      url.search = query;
      link.setAttribute("href", url.pathname + url.search);
    });
    // A form (a POST on the current list) carries the filters as hidden inputs.
    document.querySelectorAll("form[data-follows-query]").forEach(function (form) {
      form.querySelectorAll("input[data-filter]").forEach(function (input) {
        input.remove();
      });
      params.forEach(function (value, name) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        input.dataset.filter = "";
        form.append(input);
      });
    });
  }

  // The searchable picker (anjian.core.widgets.SearchPicker).
  document.addEventListener("click", function (event) {
    const option = event.target instanceof Element && event.target.closest("[data-picker-option]");
    if (!option) {
      return;
    }
    const picker = option.closest("[data-picker]");
    picker.querySelector("[data-picker-value]").value = option.dataset.value;
    picker.dataset.label = option.dataset.label;
    const search = picker.querySelector("input[type=search]");
    search.value = option.dataset.label;
    search.setAttribute("aria-expanded", "false");
    picker.querySelector("[data-picker-results]").replaceChildren();
    search.focus();
  });
  document.addEventListener("focusout", function (event) {
    const picker = event.target instanceof Element && event.target.closest("[data-picker]");
    if (!picker) {
      return;
    }
    // Leaving the picker without choosing: show the chosen value again, close the list.
    window.setTimeout(function () {
      if (picker.contains(document.activeElement)) {
        return;
      }
      picker.querySelector("input[type=search]").value = picker.dataset.label || "";
      picker.querySelector("[data-picker-results]").replaceChildren();
    }, 150);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    const results = event.detail.target;
    if (results.matches && results.matches("[data-picker-results]")) {
      const search = results.closest("[data-picker]").querySelector("input[type=search]");
      search.setAttribute("aria-expanded", String(results.children.length > 0));
    }
    setProgress(document);
  });

  document.addEventListener("htmx:pushedIntoHistory", followQuery);
  document.addEventListener("htmx:historyRestore", followQuery);
  window.addEventListener("pageshow", followQuery);
  document.addEventListener("DOMContentLoaded", function () {
    setProgress(document);
  });
})();
