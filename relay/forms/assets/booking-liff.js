// The booking pages' LIFF entry: asks the LIFF SDK for the friend's ID token and posts it
// at once (the relay verifies it with LINE Login and opens the friend's booking pages).
// Without the SDK (or outside LINE) the page shows its button and says what to do.
(function () {
  "use strict";
  var form = document.querySelector("form[data-liff-id]");
  var field = document.getElementById("id-token");
  if (!form || !field || typeof window.liff === "undefined") { return; }
  window.liff.init({ liffId: form.getAttribute("data-liff-id") }).then(function () {
    var token = window.liff.getIDToken();
    if (token) { field.value = token; form.submit(); }
  }).catch(function () { /* the button is still there */ });
})();
