// The deployment list's filters, made quicker with a script; the page works the same without it
// (the form submits with its Apply button, chips and links are plain links).
// - a box above each long list of options narrows it as the reader types a name;
// - ticking a box or changing the sort applies the filters at once;
// - the filters panel is open beside the results on wide screens, folded on a phone.
(() => {
  "use strict";

  const form = document.getElementById("filter-form");
  if (!form) return;
  const panel = document.getElementById("filters");
  const FOCUS_KEY = "tracker:filters:focus";
  const wide = window.matchMedia("(min-width: 50rem)");

  // Accents and case do not matter: "cote" finds "Côte d'Ivoire", "huawei" finds "HUAWEI".
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

  // The messages come translated from the page (data-found, data-not-found on the form), with
  // {shown}, {total} and {name} to fill in; English when the page gives none.
  const message = (key, fallback, values) =>
    (form.dataset[key] || fallback).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));

  const narrow = (input) => {
    const options = document.getElementById(input.getAttribute("aria-controls"));
    const status = document.getElementById(input.getAttribute("aria-describedby"));
    const wanted = fold(input.value);
    const labels = options.querySelectorAll("label.option");
    let shown = 0;
    for (const label of labels) {
      const name = label.querySelector(".option-label");
      const match = !wanted || fold(name ? name.textContent : label.textContent).includes(wanted);
      label.hidden = !match;
      if (match) shown += 1;
    }
    status.textContent = wanted
      ? (shown
        ? message("found", "{shown} of {total} shown", { shown, total: labels.length })
        : message("notFound", "No name contains “{name}”", { name: input.value.trim() }))
      : "";
  };

  for (const box of form.querySelectorAll(".facet-find")) {
    box.hidden = false;
    const input = box.querySelector("input");
    input.addEventListener("input", () => narrow(input));
    input.addEventListener("keydown", (event) => {
      // Enter in this box would submit the whole form: it only narrows the list.
      if (event.key === "Enter") event.preventDefault();
    });
  }

  // Empty fields, and the sort when the reader never chose one, would only clutter the
  // address that readers share.
  const sort = form.elements.namedItem("sort");
  const sortChosen = new URLSearchParams(window.location.search).has("sort");
  const initialSort = sort ? sort.value : "";
  form.addEventListener("submit", () => {
    for (const field of form.elements) {
      if (field.name && (field.type === "search" || field.type === "number") && !field.value.trim()) {
        field.disabled = true;
      }
    }
    if (sort && !sortChosen && sort.value === initialSort) sort.disabled = true;
    form.closest(".list-layout")?.setAttribute("aria-busy", "true");
  });
  // Coming back with the Back button shows the page as it was left: fields usable again.
  window.addEventListener("pageshow", () => {
    for (const field of form.elements) field.disabled = false;
    form.closest(".list-layout")?.removeAttribute("aria-busy");
  });

  const apply = (changed) => {
    try {
      if (changed.id) sessionStorage.setItem(FOCUS_KEY, changed.id);
    } catch (error) {
      // Storage refused (private mode): focus simply starts at the top.
    }
    form.requestSubmit();
  };

  form.addEventListener("change", (event) => {
    const target = event.target;
    if ((target.type === "checkbox" && target.name) || target.name === "sort") apply(target);
  });

  // After a box was ticked the page reloads: put the keyboard back on that box.
  const restoreFocus = () => {
    let id = null;
    try {
      id = sessionStorage.getItem(FOCUS_KEY);
      sessionStorage.removeItem(FOCUS_KEY);
    } catch (error) {
      return;
    }
    const target = id && document.getElementById(id);
    if (target && (!panel || panel.open)) target.focus({ preventScroll: true });
  };

  const fit = () => {
    if (panel) panel.open = wide.matches;
  };
  fit();
  wide.addEventListener("change", fit);
  restoreFocus();
})();
