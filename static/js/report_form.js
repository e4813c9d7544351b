// The report form: an emergency (突发) must name its place, chosen by the officer.
// - 突发: the 事发地 select is required (marked *, `required`), and never pre-filled: a township filled
//   in for the officer is cleared when they switch to 突发.
// - 一般: the officer's own township is offered until they choose one themselves.
// The server refuses an emergency without a township whatever this script does.
(function () {
  const form = document.querySelector("form[data-report-form]");
  if (!form) return;
  const select = form.querySelector("select[name=township]");
  if (!select) return;
  const own = select.dataset.ownTownship || "";
  const label = form.querySelector(`label[for="${select.id}"]`);
  let chosenByOfficer = select.value !== "";
  let filledForOfficer = false;

  function mark(required) {
    select.required = required;
    if (!label) return;
    let star = label.querySelector(".asteriskField");
    if (required && !star) {
      star = document.createElement("span");
      star.className = "asteriskField";
      star.textContent = "*";
      label.appendChild(star);
    } else if (!required && star) {
      star.remove();
    }
  }

  function urgency() {
    const checked = form.querySelector("input[name=urgency]:checked");
    return checked ? checked.value : "";
  }

  // An emergency's 初报 needs the enterprise or place, the number of people and their demands: the
  // section that holds them opens when 突发 is chosen (the server checks them whatever this does).
  const essentials = form.querySelector("[data-initial-essentials]");

  function apply() {
    const emergency = urgency() === "emergency";
    mark(emergency);
    if (essentials && emergency) {
      essentials.open = true;
    }
    if (emergency && filledForOfficer && !chosenByOfficer) {
      select.value = "";
      filledForOfficer = false;
    } else if (!emergency && !chosenByOfficer && select.value === "" && own) {
      select.value = own;
      filledForOfficer = true;
    }
  }

  select.addEventListener("change", () => {
    chosenByOfficer = select.value !== "";
    filledForOfficer = false;
  });
  form.querySelectorAll("input[name=urgency]").forEach((radio) => radio.addEventListener("change", apply));
  apply();
})();
