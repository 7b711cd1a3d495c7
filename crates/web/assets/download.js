// Progress for a download that takes a while (the report pack): on
// submit, say that it is being prepared and hold the button; the server
// answers the download with a cookie carrying this request's token, which
// says it has arrived. Without JavaScript the form works the same, with
// the browser's own loading indicator and the hint under the button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-download-progress]");
  if (!form) { return; }
  var status = document.getElementById("download-status");
  var button = form.querySelector("button[type=submit]");
  var tokenField = form.querySelector("input[name=download_token]");
  var timer = null;

  function cookie(name) {
    var parts = document.cookie.split(";");
    for (var i = 0; i < parts.length; i += 1) {
      var pair = parts[i].trim().split("=");
      if (pair[0] === name) { return pair.slice(1).join("="); }
    }
    return null;
  }

  function say(text) {
    status.textContent = text;
    status.hidden = false;
  }

  form.addEventListener("submit", function () {
    var token = String(Date.now()) + String(Math.floor(Math.random() * 1e9));
    tokenField.value = token;
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    say("Preparing your report. A council-wide pack can take a minute; it will download when it is ready.");
    var started = Date.now();
    if (timer) { clearInterval(timer); }
    timer = setInterval(function () {
      var seconds = Math.round((Date.now() - started) / 1000);
      if (cookie("goldthread_download") === token) {
        clearInterval(timer);
        button.disabled = false;
        button.removeAttribute("aria-disabled");
        say("Your report has downloaded (" + seconds + " seconds).");
      } else if (seconds > 0 && seconds % 10 === 0) {
        say("Still preparing your report (" + seconds + " seconds so far).");
      }
    }, 500);
  });
}());
