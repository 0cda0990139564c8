// Autofill by ИНН on the counterparty forms (new partner, partner's counterparty; issue 20). A static file: the CSP allows no inline
// script. Asks GET /api/v1/counterparties/lookup (session cookie) and proposes КПП (head office
// or a branch), name, legal address and phone; the operator checks them and saves. Any failure
// leaves a message and the fields untouched, so the form is still filled by hand.
(() => {
  const box = document.getElementById("registry-autofill");
  const form = box ? box.closest("form") : null;
  if (!box || !form) {
    return;
  }
  const button = document.getElementById("registry-fill");
  const message = document.getElementById("registry-message");
  const warning = document.getElementById("registry-warning");
  const choiceLabel = document.getElementById("registry-kpp-choice-label");
  const choice = document.getElementById("registry-kpp-choice");
  const details = document.getElementById("registry-details");
  const field = (name) => form.elements.namedItem(name);
  const text = (key) => box.dataset[key] || "";
  let parties = [];

  const show = (element, content) => {
    element.textContent = content;
    element.hidden = !content;
  };

  const setValue = (name, value) => {
    const input = field(name);
    if (input && value) {
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  const camel = (key) => key.replace(/[._-](\w)/g, (_, letter) => letter.toUpperCase());

  const apply = (party) => {
    setValue("legal_name", party.full_name);
    setValue("kpp", party.kpp);
    setValue("legal_address", party.legal_address);
    setValue("phone", party.phone);
    const status = text(camel(`msg-status-${party.status}`)) || party.status;
    const values = {
      short_name: party.short_name,
      ogrn: party.ogrn,
      registration_date: party.registration_date,
      director: party.director,
      status,
    };
    details.querySelectorAll("[data-registry-field]").forEach((cell) => {
      cell.textContent = values[cell.dataset.registryField] || "—";
    });
    details.hidden = false;
    show(warning, party.needs_warning ? text(camel(`msg-warning-${party.status}`)) : "");
  };

  const fillChoice = () => {
    choice.replaceChildren(
      ...parties.map((party, index) => {
        const kind = party.is_branch
          ? `${text("msgBranch")}${party.branch_name ? ` ${party.branch_name}` : ""}`
          : text("msgHeadOffice");
        return new Option(`${party.kpp || "—"} — ${kind}`, String(index));
      }),
    );
    choiceLabel.hidden = parties.length < 2;
  };

  choice.addEventListener("change", () => {
    const party = parties[Number(choice.value)];
    if (party) {
      apply(party);
    }
  });

  const lookUp = async () => {
    const inn = (field("inn").value || "").trim();
    const legalForm = field("legal_form") ? field("legal_form").value : "";
    show(warning, "");
    if (legalForm === "person") {
      show(message, text("msgPerson"));
      return;
    }
    if (!/^[0-9]{10}([0-9]{2})?$/.test(inn)) {
      show(message, text("msgBadInn"));
      return;
    }
    show(message, text("msgSearching"));
    button.disabled = true;
    const query = new URLSearchParams({ inn });
    if (legalForm) {
      query.set("legal_form", legalForm);
    }
    let response;
    try {
      response = await fetch(`/api/v1/counterparties/lookup?${query}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      show(message, text("msgUnavailable"));
      return;
    } finally {
      button.disabled = false;
    }
    if (response.status === 422) {
      show(message, text("msgBadInn"));
      return;
    }
    if (response.status === 429) {
      show(message, text("msgRateLimited"));
      return;
    }
    if (!response.ok) {
      show(message, text("msgUnavailable"));
      return;
    }
    let body;
    try {
      body = await response.json();
    } catch (error) {
      show(message, text("msgUnavailable"));
      return;
    }
    parties = body.parties || [];
    if (!parties.length) {
      choiceLabel.hidden = true;
      details.hidden = true;
      show(message, text("msgNotFound"));
      return;
    }
    fillChoice();
    apply(parties[0]);
    show(message, text("msgFilled").replace("{source}", body.source));
  };

  button.addEventListener("click", () => {
    lookUp();
  });
})();
