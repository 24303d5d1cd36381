// LIFF pages: asks the LIFF SDK for the friend's ID token and posts it with the answer
// (the relay verifies it with LINE Login). Without the SDK (or outside LINE) the page
// still posts: the per-friend link in its URL, or no identity on a public link.
(function () {
  "use strict";
  var form = document.querySelector("form[data-liff-id]");
  var field = document.getElementById("id-token");
  if (!form || !field || typeof window.liff === "undefined") { return; }
  form.setAttribute("data-liff-pending", "1");
  window.liff.init({ liffId: form.getAttribute("data-liff-id") }).then(function () {
    var token = window.liff.getIDToken();
    if (token) { field.value = token; }
  }).catch(function () { /* the page works without it */ }).then(function () {
    form.removeAttribute("data-liff-pending");
  });
})();
