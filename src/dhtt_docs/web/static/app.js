// Unsaved edits survive a closed tab or a stopped server: the form's values are kept in this
// browser (localStorage) while typing, offered back when the page is opened again, and dropped
// once the page says the file was saved.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("editor");
  if (!form) return;
  var key = "dhtt-draft:" + location.pathname;
  var values = function () {
    var out = [];
    new FormData(form).forEach(function (v, n) { if (n.charAt(0) !== "_") out.push([n, v]); });
    return out;
  };
  if (new URLSearchParams(location.search).has("saved")) localStorage.removeItem(key);
  var draft = null;
  try { draft = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { draft = null; }
  var bar = document.getElementById("draft");
  if (draft && bar && JSON.stringify(draft) !== JSON.stringify(values())) {
    bar.hidden = false;
    bar.querySelector("button.restore").addEventListener("click", function () {
      draft.forEach(function (pair) {
        var el = form.elements.namedItem(pair[0]);
        if (el && el.type !== "hidden" && !el.readOnly) el.value = pair[1];
      });
      bar.hidden = true;
      form.dispatchEvent(new Event("input", { bubbles: true }));
    });
    bar.querySelector("button.discard").addEventListener("click", function () {
      localStorage.removeItem(key);
      bar.hidden = true;
    });
  }
  form.addEventListener("input", function () { localStorage.setItem(key, JSON.stringify(values())); });
});
