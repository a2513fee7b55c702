// stackwise dashboard: the one live part. A run page whose run is still going polls the
// status endpoint named by the DAG's data-poll and restyles each step in place.
(function () {
  "use strict";
  var dag = document.getElementById("dag");
  if (!dag || !dag.dataset.poll) return;
  var url = dag.dataset.poll;
  var known = {};
  dag.querySelectorAll("g.node").forEach(function (node) { known[node.dataset.step] = node; });

  function update(answer) {
    var missing = false;
    Object.keys(answer.steps).forEach(function (name) {
      var step = answer.steps[name];
      var node = known[name];
      if (!node) { missing = true; return; }
      node.setAttribute("class", "node status-" + step.status + (step.cached ? " cached" : ""));
      node.querySelector(".state").textContent = step.status;
      node.querySelector(".cached-mark").textContent = step.cached ? " \u21ba" : "";
      node.querySelector(".time").textContent = step.duration ? " \u00b7 " + step.duration : "";
      node.querySelector("title").textContent = name + ": " + step.status;
    });
    var status = document.getElementById("run-status");
    if (status) {
      status.dataset.status = answer.status;
      status.innerHTML = "";
      var badge = document.createElement("span");
      badge.className = "status status-" + answer.status;
      badge.textContent = answer.status;
      status.appendChild(badge);
    }
    var took = document.getElementById("run-duration");
    if (took) took.textContent = answer.duration;
    if (missing) { window.location.reload(); return false; }  // a dynamic pipeline's new step
    return answer.in_progress;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.href = "/login"; return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        var again = answer === null ? true : update(answer);
        if (again) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
