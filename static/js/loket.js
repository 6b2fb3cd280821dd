// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});

// A file over the form's limit is refused before it is sent, with the server's own message.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) { return; }
  var max = parseInt(input.getAttribute("data-max-bytes"), 10);
  var tooLarge = Array.prototype.some.call(input.files || [], function (file) { return file.size > max; });
  input.setCustomValidity(tooLarge ? input.getAttribute("data-too-large") : "");
  if (tooLarge) { input.reportValidity(); }
});
