// The 360 card of one customer, built from one `Card` query.
import { h } from "./dom.js";
import { billsChart } from "./chart.js";
import { t, term, canonical, formatTime, formatMoney, CLOSED_STATUSES } from "./i18n.js";

const MOVES = ["IN_PROGRESS", "PENDING_CUSTOMER", "RESOLVED", "CLOSED", "REOPENED"];
const CONTACT_TYPES = ["COMPLAINT", "INQUIRY", "FAULT_REPORT", "COMPLAINT_FOLLOW_UP", "BILLING", "SALE", "CARE_CALL", "OTHER"];
const CHANNELS = ["BUSINESS_HALL", "CALL_CENTER", "WEB", "APP", "SMS", "ACCOUNT_MANAGER"];

function box(title, body, className = "", extra = null) {
  return h("section", { class: `box ${className}` }, h("h3", {}, h("span", {}, title), extra), body);
}

function table(headers, rows) {
  if (!rows.length) return h("p", { class: "muted" }, t("none"));
  return h("table", {}, h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c) => (c instanceof Node ? c : h("td", {}, c)))))));
}

function money(value, className = "money") { return h("td", { class: className }, formatMoney(value)); }

function lineage(field) {
  const where = [field.source, field.sourceKey].filter(Boolean).join(":");
  return h("div", { class: "lineage", title: t("lineageHint") }, `${t("source")} ${where} · ${t("updated")} ${formatTime(field.updatedAt)}`);
}

function valueText(value) {
  if (Array.isArray(value)) return value.join(", ");
  return value == null ? "" : String(value);
}

function profileBox(customer) {
  const rows = customer.profile.map((field) => [
    term(field.name),
    h("td", {}, h("div", { "data-field": field.name }, field.name === "gender" || field.name === "status" || field.name === "id_type"
      ? term(valueText(field.value)) || valueText(field.value) : valueText(field.value)), lineage(field)),
  ]);
  return box(t("profile"), table([t("type"), ""], rows));
}

function identifiersBox(customer) {
  const rows = customer.identifiers.nodes.map((item) => [
    term(item.type),
    h("td", { class: "identifier" }, valueText(item.value)),
    item.trusted ? t("trusted") : `${t("untrusted")}${item.reason ? ` (${item.reason})` : ""}`,
    h("td", { class: "lineage" }, item.sources.map((s) => `${s.source}:${s.sourceKey}`).join(" · ")),
  ]);
  return box(t("identifiers"), table([t("type"), "", "", t("source")], rows));
}

function accountsBox(customer) {
  const lines = customer.subscriptions.nodes;
  const rows = customer.accounts.nodes.map((account) => [
    h("td", {}, account.sourceKey, h("div", { class: "lineage" }, account.source)),
    term(account.accountType), term(account.status),
    h("td", {}, lines.filter((l) => l.accountKey === account.sourceKey)
      .map((l) => h("div", {}, `${valueText(l.msisdn)} · ${l.planName || ""} · ${term(l.status)}`))),
  ]);
  const orphans = lines.filter((l) => !customer.accounts.nodes.some((a) => a.sourceKey === l.accountKey));
  for (const line of orphans) rows.push([line.accountKey || "", "", term(line.status), `${valueText(line.msisdn)} · ${line.planName || ""}`]);
  return box(t("accounts"), table(["", t("type"), t("status"), t("plan")], rows), "wide");
}

function ordersBox(customer) {
  const rows = customer.orders.nodes.map((o) => [o.orderType || "", term(o.status), term(o.channel), money(o.amount), formatTime(o.createdAt)]);
  return box(t("orders"), table([t("type"), t("status"), t("channel"), t("amount"), t("opened")], rows));
}

function billingBox(customer) {
  const balance = customer.balance;
  const summary = h("p", {},
    `${t("balance")} ${formatMoney(balance.balance)} · `,
    h("span", { class: balance.inArrears ? "arrears" : "" }, `${t("arrears")} ${formatMoney(balance.arrears)}`));
  const rows = customer.bills.nodes.slice(0, 6).map((b) => [b.period || "", money(b.amount), money(b.paidAmount), term(b.status), b.dueDate || ""]);
  return box(t("billing"), [summary, billsChart(customer.bills.nodes, customer.payments.nodes),
    table([t("period"), t("amount"), t("paid"), t("status"), t("due")], rows)], "wide");
}

function isOpen(request) { return !CLOSED_STATUSES.has(canonical(request.status)); }
function isOpenComplaint(request) { return isOpen(request) && canonical(request.type).startsWith("complaint"); }

/** Open complaints first, then other open requests, then the rest; newest first within each. */
export function orderRequests(requests) {
  const rank = (r) => (isOpenComplaint(r) ? 0 : isOpen(r) ? 1 : 2);
  return [...requests].sort((a, b) => rank(a) - rank(b) || String(b.openedAt || "").localeCompare(String(a.openedAt || "")));
}

function requestItem(request, actions) {
  const steps = request.statusHistory.nodes.map((step) =>
    h("li", {}, `${formatTime(step.changedAt)} ${term(step.status)}${step.agent ? ` · ${step.agent}` : ""}${step.note ? ` · ${step.note}` : ""}`));
  const select = h("select", { name: "status", "aria-label": t("moveTo") },
    MOVES.map((status) => h("option", { value: status }, term(status))));
  const note = h("input", { name: "note", maxlength: 500, placeholder: t("note") });
  const form = isOpen(request) || canonical(request.status) === "resolved"
    ? h("form", { class: "move", onsubmit: (event) => { event.preventDefault(); actions.moveRequest(request, select.value, note.value, event.submitter || event.target); } },
      select, note, h("button", { type: "submit", class: "secondary" }, t("apply")))
    : null;
  return h("li", { class: `sr ${isOpenComplaint(request) ? "open-complaint" : ""}`, "data-request": request.id,
    "data-type": canonical(request.type), "data-status": canonical(request.status) },
    h("div", { class: "head" },
      h("strong", {}, term(request.type)),
      h("span", { class: `tag ${isOpenComplaint(request) ? "alert" : ""}` }, term(request.status)),
      h("span", { class: "muted" }, `${term(request.channel)} · ${formatTime(request.openedAt)} · ${request.source}:${request.sourceKey}`)),
    h("div", {}, request.summary || ""),
    h("ol", { class: "steps" }, steps),
    form);
}

function requestsBox(customer, actions) {
  const requests = orderRequests(customer.serviceRequests.nodes);
  const open = requests.filter(isOpen).length;
  return box(t("requests"), requests.length ? h("ul", { class: "requests", style: "list-style:none;padding:0;margin:0" },
    requests.map((r) => requestItem(r, actions))) : h("p", { class: "muted" }, t("none")), "wide",
  h("span", { class: "muted" }, `${open} ${t("openRequests")}`));
}

function timelineBox(customer, fresh) {
  const items = customer.contacts.nodes.map((c) => h("li", { class: fresh.has(c.id) ? "fresh" : "", "data-contact": c.id,
    "data-channel": canonical(c.channel) },
    h("div", { class: "when" }, `${formatTime(c.occurredAt)} · ${term(c.channel)} · ${term(c.direction)}${c.agent ? ` · ${c.agent}` : ""}`),
    h("div", {}, [c.type ? `[${term(c.type)}] ` : "", c.summary || ""].join("")),
    c.outcome ? h("div", { class: "muted" }, c.outcome) : null));
  return box(t("timeline"), items.length ? h("ul", { class: "timeline" }, items) : h("p", { class: "muted" }, t("none")));
}

function analysisBox(customer) {
  const a = customer.analysis;
  if (!a) return box(t("analysis"), h("p", { class: "muted" }, t("none")));
  const churn = a.churnScore == null ? "" : `${Math.round(a.churnScore * 100)}%`;
  return box(t("analysis"), table(["", ""], [
    [t("valueTier"), term(a.valueTier)], [t("churn"), churn], [t("credit"), a.creditScore ?? ""],
    [t("segment"), term(a.segment)], [t("asOf"), a.asOf || ""],
  ]));
}

function managerBox(customer) {
  const m = customer.accountManager;
  if (!m) return null;
  return box(t("manager"), table(["", ""], [[t("manager"), m.name || ""], [t("phone"), m.phone || ""], [t("region"), m.region || ""]]));
}

/** The record form; kept by the caller across refreshes so a live update never wipes what the clerk typed. */
export function recordBox(actions) {
  const channel = h("select", { name: "channel", "aria-label": t("channel") }, CHANNELS.map((c) => h("option", { value: c }, term(c))));
  const type = h("select", { name: "type", "aria-label": t("type") }, CONTACT_TYPES.map((c) => h("option", { value: c }, term(c))));
  const summary = h("textarea", { name: "summary", maxlength: 2000, required: true, placeholder: t("summary") });
  const outcome = h("input", { name: "outcome", maxlength: 500, placeholder: t("outcome") });
  const status = h("span", { class: "muted", role: "status" });
  const form = h("form", { class: "record", onsubmit: (event) => {
    event.preventDefault();
    actions.recordContact({ channel: channel.value, type: type.value, summary: summary.value, outcome: outcome.value || null },
      status, form);
  } }, channel, type, outcome, summary, h("div", { class: "actions" }, h("button", { type: "submit" }, t("submit")), status));
  return box(t("record"), form, "full");
}

/** Replace ``container``'s content with the card of ``customer``. */
export function renderCard(container, customer, actions, fresh, recordForm) {
  const openComplaints = customer.serviceRequests.nodes.filter(isOpenComplaint).length;
  const tier = customer.analysis?.valueTier;
  const header = h("header", {},
    h("h2", {}, customer.displayName || customer.id),
    h("span", { class: "tag" }, term(customer.kind.toLowerCase())),
    tier ? h("span", { class: "tag tier" }, `${t("valueTier")}: ${term(tier)}`) : null,
    customer.balance.inArrears ? h("span", { class: "tag alert" }, `${t("inArrears")} ${formatMoney(customer.balance.arrears)}`) : null,
    openComplaints ? h("span", { class: "tag alert", id: "open-complaints" }, `${openComplaints} ${t("openComplaint")}`) : null,
    h("span", { class: "muted" }, `${t("customerId")} ${customer.id}`));
  const boxes = [header, requestsBox(customer, actions), profileBox(customer), timelineBox(customer, fresh),
    billingBox(customer), accountsBox(customer), identifiersBox(customer), ordersBox(customer), analysisBox(customer),
    managerBox(customer), recordForm];
  container.replaceChildren(...boxes.filter(Boolean));
  container.dataset.customer = customer.id;
  container.hidden = false;
}
