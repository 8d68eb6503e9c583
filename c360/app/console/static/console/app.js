// The console: sign in, find a customer, show the card, keep it live, record contacts.
import { gql, session, watchCustomer, ApiError, NetworkError } from "./api.js";
import { recordBox, renderCard } from "./card.js";
import { t, term, language, setLanguage, translatePage } from "./i18n.js";
import { h } from "./dom.js";
import { CARD, EVENT_COUNT, LOOKUP, RECORD_CONTACT, SEARCH, UPDATE_REQUEST, WHOAMI, candidatesQuery } from "./queries.js";
import { Submission } from "./submit.js";

const $ = (id) => document.getElementById(id);
const state = {
  customer: null, stopWatching: null, contactIds: new Set(), refreshTimer: null, channel: "BUSINESS_HALL",
  recordForm: null, // built once per opened customer: refreshes keep what the clerk typed and a pending retry
};
const recordSubmission = new Submission(RECORD_CONTACT);
const moveSubmissions = new Map();

const ERROR_TEXT = {
  UNAUTHENTICATED: "unauthenticated", FORBIDDEN: "forbidden", NOT_FOUND: "notFound", AMBIGUOUS: "ambiguous",
  LIMIT_EXCEEDED: "limit", RATE_LIMITED: "limit", BAD_USER_INPUT: "badInput",
};

function explain(error) {
  if (error instanceof NetworkError) return t("retrying");
  if (error instanceof ApiError) {
    const text = t(ERROR_TEXT[error.code] || "unexpected");
    return error.code === "BAD_USER_INPUT" && error.extensions.field ? `${text}: ${error.extensions.field}` : text;
  }
  return t("unexpected");
}

function toast(message) {
  const box = $("toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 3000);
}

// ---- sign in -------------------------------------------------------------------------------

function showSignedIn(signedIn) {
  $("signin").hidden = signedIn;
  $("workspace").hidden = !signedIn;
  $("signout").hidden = !signedIn;
  $("who").textContent = signedIn ? `${t("signedInAs")}${session.agent ? ` · ${session.agent}` : ""}` : "";
  if (signedIn) $("search-text").focus();
}

async function signIn(event) {
  event.preventDefault();
  const key = $("key").value.trim();
  session.signIn(key, $("agent").value.trim());
  try {
    await gql(WHOAMI);
    $("key").value = "";
    $("signin-error").textContent = "";
    showSignedIn(true);
  } catch (error) {
    session.signOut();
    $("signin-error").textContent = explain(error);
  }
}

function signOut() {
  stopWatching();
  session.signOut();
  state.customer = null;
  state.recordForm = null;
  $("card").hidden = true;
  $("card").replaceChildren();
  $("hits").replaceChildren();
  showSignedIn(false);
}

// ---- finding a customer ----------------------------------------------------------------------

/** What the clerk typed, read as a phone, an ID number, a silo key or a name. */
export function readQuery(kind, text) {
  const compact = text.replace(/[\s\-().]/g, "");
  if (kind !== "auto") return kind;
  if (/^[A-Za-z][\w-]*:\S+$/.test(text)) return "sourceKey";
  if (/^(\d{17}[\dXx]|\d{15})$/.test(compact)) return "idNumber";
  if (/^\+?\d{11,14}$/.test(compact)) return "phone";
  return "name";
}

async function search(event) {
  event.preventDefault();
  const text = $("search-text").value.trim();
  if (!text) return;
  $("search-error").textContent = "";
  $("search-note").textContent = "";
  $("hits").replaceChildren();
  const kind = readQuery($("search-kind").value, text);
  try {
    if (kind === "name") return showHits(await searchByText(text));
    const variables = {};
    if (kind === "sourceKey") {
      const at = text.indexOf(":");
      Object.assign(variables, { source: text.slice(0, at), sourceKey: text.slice(at + 1) });
    } else {
      variables[kind] = text;
    }
    try {
      const data = await gql(LOOKUP, variables);
      return openCustomer(data.customerBy.id);
    } catch (error) {
      if (error instanceof ApiError && error.code === "AMBIGUOUS") return showHits(await candidates(error.extensions.candidates || []));
      if (error instanceof ApiError && ["NOT_FOUND", "FORBIDDEN", "BAD_USER_INPUT"].includes(error.code) && kind === "phone") {
        return showHits(await searchByText(text)); // a number nobody holds now: search the digits
      }
      throw error;
    }
  } catch (error) {
    $("search-error").textContent = explain(error);
  }
}

async function searchByText(text) {
  const data = await gql(SEARCH, { text });
  return data.searchCustomers.nodes.map((hit) => ({ ...hit.customer, score: hit.score, matched: hit.matched }));
}

async function candidates(ids) {
  const chosen = ids.slice(0, 10);
  if (!chosen.length) return [];
  const variables = Object.fromEntries(chosen.map((id, i) => [`id${i}`, id]));
  const data = await gql(candidatesQuery(chosen.length), variables);
  return chosen.map((_, i) => data[`c${i}`]);
}

function showHits(customers) {
  const list = $("hits");
  if (customers.length === 1) return openCustomer(customers[0].id);
  if (!customers.length) {
    $("search-error").textContent = t("noHits");
    return undefined;
  }
  $("search-note").textContent = t("hitsTitle");
  list.replaceChildren(...customers.map((c) => h("li", {},
    h("button", { type: "button", class: "hit", "data-customer": c.id, onclick: () => openCustomer(c.id) },
      c.score != null ? h("span", { class: "score" }, `${c.score} · ${(c.matched || []).map(term).join("/")}`) : null,
      h("strong", {}, c.displayName || c.id), " ", h("span", { class: "muted" }, term(c.kind.toLowerCase())),
      h("div", { class: "muted" }, (c.identifiers?.nodes || []).map((i) => i.value).join(" · "), " ", c.id)))));
  return undefined;
}

// ---- the card ---------------------------------------------------------------------------------

function stopWatching() {
  if (state.stopWatching) state.stopWatching();
  state.stopWatching = null;
  $("live").hidden = true;
}

async function openCustomer(id) {
  stopWatching();
  state.recordForm = null;
  $("hits").replaceChildren();
  $("search-error").textContent = "";
  $("search-note").textContent = "";
  try {
    const data = await gql(CARD, { id });
    show(data.customer, new Set());
    await watch(data.customer.id);
  } catch (error) {
    $("search-error").textContent = explain(error);
  }
}

function show(customer, fresh) {
  state.customer = customer;
  state.contactIds = new Set(customer.contacts.nodes.map((c) => c.id));
  state.recordForm ??= recordBox(actions);
  renderCard($("card"), customer, actions, fresh, state.recordForm);
}

async function refresh() {
  if (!state.customer) return;
  const before = state.contactIds;
  const data = await gql(CARD, { id: state.customer.id });
  const fresh = new Set(data.customer.contacts.nodes.map((c) => c.id).filter((id) => !before.has(id)));
  const keepScroll = window.scrollY;
  show(data.customer, fresh);
  window.scrollTo(0, keepScroll);
}

function refreshSoon() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => refresh().catch((error) => toast(explain(error))), 100);
}

async function watch(id) {
  let skip = 0;
  try {
    skip = (await gql(EVENT_COUNT, { ids: [id] })).contactEvents.totalCount; // the subscription replays these first
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "FORBIDDEN")) throw error;
  }
  state.stopWatching = watchCustomer(id, skip, () => {
    toast(t("newContact"));
    refreshSoon();
  }, (connected) => { $("live").hidden = !connected; });
}

// ---- writing ------------------------------------------------------------------------------------

const actions = {
  async recordContact(typed, status, form) {
    state.channel = typed.channel;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.textContent = "";
    try {
      await recordSubmission.send({ ...typed, customer: state.customer.id }, (input) => ({
        customer: { id: input.customer }, channel: input.channel, type: input.type, summary: input.summary,
        outcome: input.outcome, agent: session.agent || null, direction: "INBOUND", occurredAt: new Date().toISOString(),
      }));
      form.reset();
      status.textContent = t("saved");
      refreshSoon();
    } catch (error) {
      status.textContent = explain(error);
    } finally {
      button.disabled = false;
    }
  },

  async moveRequest(request, status, note, button) {
    if (!moveSubmissions.has(request.id)) moveSubmissions.set(request.id, new Submission(UPDATE_REQUEST));
    button.disabled = true;
    try {
      await moveSubmissions.get(request.id).send(
        { serviceRequestId: request.id, status, channel: state.channel, note: note || null, agent: session.agent || null });
      toast(t("saved"));
      refreshSoon();
    } catch (error) {
      toast(explain(error));
    } finally {
      button.disabled = false;
    }
  },
};

// ---- start --------------------------------------------------------------------------------------

function applyLanguage(next) {
  setLanguage(next);
  translatePage();
  $("lang").textContent = next === "zh" ? "English" : "中文";
  state.recordForm = null; // rebuilt with the new language's labels
  if (state.customer) show(state.customer, new Set());
  showSignedIn(Boolean(session.key));
}

$("signin-form").addEventListener("submit", signIn);
$("search-form").addEventListener("submit", search);
$("signout").addEventListener("click", signOut);
$("lang").addEventListener("click", () => applyLanguage(language() === "zh" ? "en" : "zh"));
applyLanguage(language());
