// Improves the form page; it works the same without this script.
// - one press of the send button sends once (the button is disabled while sending);
// - a file over the item's size limit is named at once instead of after the upload;
// - after a refused post, focus moves to the list of problems.
(function () {
  "use strict";
  var form = document.querySelector("form[method=post]");
  if (!form) { return; }
  var summary = document.getElementById("summary");
  if (summary) { summary.focus(); }
  form.addEventListener("submit", function (event) {
    var inputs = form.querySelectorAll("input[type=file][data-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      var max = Number(inputs[i].getAttribute("data-max-bytes"));
      for (var j = 0; j < inputs[i].files.length; j++) {
        if (inputs[i].files[j].size > max) {
          event.preventDefault();
          window.alert("ファイルが大きすぎます（" + (max / 1000000) + "MBまで）。別のファイルを選んでください。");
          inputs[i].focus();
          return;
        }
      }
    }
    if (form.getAttribute("data-liff-pending") === "1") {
      event.preventDefault();  // liff.js submits once the ID token is in
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.textContent = "送信しています…"; }
  });
})();
