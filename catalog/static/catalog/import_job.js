// The page of a background inventory import: poll its status, move the progress bar, and reload the
// page (which then shows the report) once the job has finished. No inline script: the site sends a
// Content-Security-Policy.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || box.dataset.finished === "true") {
    return;
  }
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("import-job-progress");
  var label = document.getElementById("import-job-status");
  var delay = 1000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (job) {
        if (bar) {
          bar.value = job.progress;
          bar.textContent = job.progress + "%";
        }
        if (label) {
          label.textContent = job.status_display;
        }
        if (job.finished) {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000); // the server is busy or away: ask less often
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
