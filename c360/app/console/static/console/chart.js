// Bills and payments of the last 12 months as an inline SVG bar chart (no chart library).
import { svg, h } from "./dom.js";
import { t, formatMoney } from "./i18n.js";

function monthKey(date) { return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}`; }

/** The 12 months ending with the newest month that has a bill or a payment (silos may lag the calendar). */
function months(bills, payments) {
  const seen = [...bills.map((b) => b.period).filter(Boolean), ...payments.map((p) => p.paidAt && monthKey(new Date(p.paidAt)))]
    .filter(Boolean).sort();
  const last = seen.length ? seen[seen.length - 1] : monthKey(new Date());
  const [year, month] = last.split("-").map(Number);
  return Array.from({ length: 12 }, (_, i) => monthKey(new Date(year, month - 12 + i, 1)));
}

export function billsChart(bills, payments) {
  const keys = months(bills, payments);
  const billed = Object.fromEntries(keys.map((k) => [k, 0]));
  const paid = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const bill of bills) if (bill.period in billed) billed[bill.period] += Number(bill.amount || 0);
  for (const payment of payments) {
    const key = payment.paidAt && monthKey(new Date(payment.paidAt));
    if (key in paid) paid[key] += Number(payment.amount || 0);
  }
  const top = Math.max(1, ...keys.map((k) => Math.max(billed[k], paid[k])));
  const width = 600, height = 118, base = 100, slot = width / 12, bar = slot / 3;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": t("bills12") });
  keys.forEach((key, i) => {
    const x = i * slot + slot / 6;
    const billHeight = (billed[key] / top) * (base - 10);
    const paidHeight = (paid[key] / top) * (base - 10);
    chart.append(
      svg("rect", { class: "bill", x, y: base - billHeight, width: bar, height: billHeight },
        svg("title", {}, `${key} ${t("billed")} ${formatMoney(billed[key])}`)),
      svg("rect", { class: "paid", x: x + bar, y: base - paidHeight, width: bar, height: paidHeight },
        svg("title", {}, `${key} ${t("paid")} ${formatMoney(paid[key])}`)),
      svg("text", { x: x + bar, y: base + 12, "text-anchor": "middle" }, key.slice(2)),
    );
  });
  chart.append(svg("line", { x1: 0, x2: width, y1: base, y2: base, stroke: "#bcccdc" }));
  const legend = h("div", { class: "legend" },
    h("i", { style: "background:#9fb3c8" }), t("billed"), h("i", { style: "background:#207227" }), t("paid"));
  return h("figure", { style: "margin:0" }, chart, legend);
}
