/*
 * Dash 4 renders dcc.RadioItems and dcc.Checklist as role="listbox" with role="option"
 * labels that wrap native radio buttons / checkboxes. The native inputs, inside their
 * labels and grouped in a <fieldset> with a <legend>, are already the accessible control;
 * the extra roles make screen readers announce a listbox that does not behave like one and
 * nest interactive elements (axe: nested-interactive, aria-input-field-name). We drop them.
 */
(function () {
  "use strict";
  var SELECTOR = ".dash-options-list[role], .dash-options-list-option[role], .dash-options-list-option[aria-selected]";

  function fix(root) {
    var found = root.querySelectorAll(SELECTOR);
    for (var i = 0; i < found.length; i++) {
      found[i].removeAttribute("role");
      found[i].removeAttribute("aria-selected");
    }
  }

  function start() {
    fix(document);
    new MutationObserver(function () { fix(document); }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["role", "aria-selected"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
