// The browse page: on a phone the filters start folded, so that the results come first; without
// JavaScript they stay open. A file, not an inline script: the Content-Security-Policy allows none.
(function () {
  if (!window.matchMedia("(max-width: 56rem)").matches) return;
  var filters = document.querySelector(".facets details");
  if (filters && !new URLSearchParams(location.search).has("page")) filters.removeAttribute("open");
})();
