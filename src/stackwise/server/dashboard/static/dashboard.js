// stackwise dashboard: the only live parts. A page of a run that is still going polls the
// status endpoint named by the DAG's data-poll and restyles each step in place; a running
// step's page appends the new lines of its logs.
(function () {
  "use strict";

  // fetch what url() names every second until handle(answer) returns false
  function poll(url, handle) {
    fetch(url(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.href = "/login"; return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        var again = answer === null ? true : handle(answer);
        if (again) window.setTimeout(function () { poll(url, handle); }, 1000);
      })
      .catch(function () { window.setTimeout(function () { poll(url, handle); }, 3000); });
  }

  var dag = document.getElementById("dag");
  if (dag && dag.dataset.poll) {
    var known = {};
    dag.querySelectorAll("g.node").forEach(function (node) { known[node.dataset.step] = node; });
    window.setTimeout(function () {
      poll(function () { return dag.dataset.poll; }, function (answer) {
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
          var badge = document.createElement("span");
          badge.className = "status status-" + answer.status;
          badge.textContent = answer.status;
          status.replaceChildren(badge);
        }
        var took = document.getElementById("run-duration");
        if (took) took.textContent = answer.duration ? "\u00b7 took " + answer.duration : "";
        if (missing) { window.location.reload(); return false; }  // a dynamic pipeline's new step
        return answer.in_progress;
      });
    }, 1000);
  }

  var logs = document.getElementById("logs");
  if (logs && logs.dataset.poll) {
    var offset = Number(logs.dataset.offset) || 0;
    window.setTimeout(function () {
      poll(function () { return logs.dataset.poll + "?offset=" + offset; }, function (answer) {
        var following = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
        if (answer.text) logs.appendChild(document.createTextNode(answer.text));
        offset = answer.offset;
        logs.dataset.status = answer.status;
        if (following) logs.scrollTop = logs.scrollHeight;
        return answer.in_progress;
      });
    }, 1000);
  }
})();
