// Labels in Chinese (the default) and English, and the hub's vocabulary of channels, statuses and types.

const STRINGS = {
  zh: {
    title: "客户360视图", live: "实时", signOut: "退出", signInTitle: "使用渠道 API 密钥登录", apiKey: "API 密钥",
    agentId: "工号", signIn: "登录", keyHint: "密钥只保存在本浏览器标签页中，关闭即清除。", kindAuto: "自动识别",
    kindPhone: "手机号", kindId: "证件号", kindName: "姓名 / 拼音", kindSourceKey: "系统编号 (来源:编号)",
    searchPlaceholder: "手机号、证件号、姓名或 boss:C000000185", search: "查询", noHits: "未找到客户",
    hitsTitle: "找到多位客户，请选择", signedInAs: "已登录", profile: "基本信息", identifiers: "证件与号码",
    accounts: "账户与号码", orders: "未完成订单", billing: "账单与欠费", requests: "服务请求", timeline: "接触记录",
    analysis: "价值与风险", manager: "客户经理", record: "记录接触 / 投诉", source: "来源", updated: "更新",
    balance: "余额", arrears: "欠费", inArrears: "欠费", bills12: "近12个月账单与缴费", billed: "账单", paid: "缴费",
    valueTier: "价值等级", churn: "离网风险", credit: "信用分", segment: "客群", asOf: "截至", none: "无",
    channel: "渠道", type: "类型", summary: "内容", outcome: "处理结果", submit: "提交", saved: "已记录",
    retrying: "网络中断，可用同一请求重试", moveTo: "推进到", note: "备注", apply: "更新", trusted: "可信",
    untrusted: "不可信", newContact: "收到新的接触记录", forbidden: "此密钥无权执行该操作", unauthenticated: "密钥无效或已吊销",
    notFound: "未找到客户", ambiguous: "号码对应多位客户，请选择", limit: "查询过于频繁，请稍后再试",
    badInput: "输入有误", unexpected: "服务暂不可用，请重试", plan: "套餐", status: "状态", period: "账期",
    amount: "金额", due: "到期", opened: "受理", phone: "电话", region: "区域", openRequests: "未结工单",
    openComplaint: "未结投诉", customerId: "客户编号", lineageHint: "来源系统与编号",
  },
  en: {
    title: "Customer 360", live: "live", signOut: "Sign out", signInTitle: "Sign in with a channel API key", apiKey: "API key",
    agentId: "Agent id", signIn: "Sign in", keyHint: "The key stays in this browser tab only and is gone when it closes.",
    kindAuto: "Detect", kindPhone: "Phone", kindId: "ID number", kindName: "Name / pinyin", kindSourceKey: "Silo key (source:key)",
    searchPlaceholder: "Phone, ID number, name or boss:C000000185", search: "Search", noHits: "No customer found",
    hitsTitle: "Several customers match; pick one", signedInAs: "Signed in", profile: "Profile", identifiers: "Identifiers",
    accounts: "Accounts and lines", orders: "Open orders", billing: "Bills and arrears", requests: "Service requests",
    timeline: "Contacts", analysis: "Value and risk", manager: "Account manager", record: "Record a contact / complaint",
    source: "source", updated: "updated", balance: "Balance", arrears: "Arrears", inArrears: "in arrears",
    bills12: "Bills and payments, last 12 months", billed: "billed", paid: "paid", valueTier: "Value tier", churn: "Churn risk",
    credit: "Credit score", segment: "Segment", asOf: "as of", none: "none", channel: "Channel", type: "Type",
    summary: "Summary", outcome: "Outcome", submit: "Submit", saved: "Recorded", retrying: "Network error: retry sends the same request",
    moveTo: "Move to", note: "Note", apply: "Update", trusted: "trusted", untrusted: "untrusted",
    newContact: "A new contact arrived", forbidden: "This key may not do that", unauthenticated: "Unknown or revoked key",
    notFound: "No customer found", ambiguous: "Several customers hold this value; pick one", limit: "Too many look-ups; try again shortly",
    badInput: "Invalid input", unexpected: "The service did not answer; try again", plan: "Plan", status: "Status",
    period: "Period", amount: "Amount", due: "Due", opened: "Opened", phone: "Phone", region: "Region",
    openRequests: "open requests", openComplaint: "open complaint", customerId: "Customer id", lineageHint: "source system and key",
  },
};

// The hub's canonical vocabulary (docs/api.md); older silo labels read the same.
const VOCABULARY = {
  zh: {
    business_hall: "营业厅", call_center: "客服热线", web: "网厅", app: "手机营业厅", sms: "短信", account_manager: "客户经理",
    agent: "代理渠道", open: "已受理", in_progress: "处理中", pending_customer: "待客户反馈", resolved: "已解决",
    closed: "已关闭", reopened: "重新打开", inquiry: "咨询", complaint: "投诉", complaint_follow_up: "投诉跟进",
    fault_report: "故障报修", sale: "营销", care_call: "关怀回访", billing: "账务", other: "其他", active: "正常",
    suspended: "停机", pending: "处理中", completed: "已完成", cancelled: "已取消", paid: "已缴", overdue: "逾期",
    inbound: "呼入", outbound: "呼出", name: "姓名", gender: "性别", id_type: "证件类型", id_number: "证件号码",
    phones: "电话", emails: "邮箱", address: "地址", birth_date: "出生日期", credit_code: "信用代码", status: "状态",
    ric: "身份证", phone: "手机", email: "邮箱", uscc: "统一社会信用代码", passport: "护照", prepaid: "预付费",
    postpaid: "后付费", platinum: "白金", gold: "金卡", silver: "银卡", bronze: "铜卡", person: "个人",
    organization: "政企", M: "男", F: "女", m: "男", f: "女",
  },
  en: {
    business_hall: "business hall", call_center: "call center", web: "web", app: "app", sms: "SMS",
    account_manager: "account manager", agent: "agent", open: "open", in_progress: "in progress",
    pending_customer: "pending customer", resolved: "resolved", closed: "closed", reopened: "reopened",
    inquiry: "inquiry", complaint: "complaint", complaint_follow_up: "complaint follow-up", fault_report: "fault report",
    sale: "sale", care_call: "care call", billing: "billing", other: "other", name: "name", gender: "gender",
    id_type: "ID type", id_number: "ID number", phones: "phones", emails: "e-mails", address: "address",
    birth_date: "birth date", credit_code: "credit code", ric: "resident ID", uscc: "credit code", person: "person",
    organization: "organization", m: "male", f: "female",
  },
};

// Labels some silos used before the connectors mapped them to the canonical set.
export const ALIASES = { hotline: "call_center", opened: "open", fault: "fault_report", in_process: "in_progress" };

export const CLOSED_STATUSES = new Set(["resolved", "closed"]);

const LANG_KEY = "c360.lang";
let lang = sessionStorage.getItem(LANG_KEY) || "zh";

export function language() { return lang; }

export function setLanguage(next) {
  lang = next;
  sessionStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
}

/** A UI string in the current language. */
export function t(key) { return STRINGS[lang][key] ?? STRINGS.zh[key] ?? key; }

/** The canonical name of a silo or API label (lower case, older aliases mapped). */
export function canonical(label) {
  if (label == null) return "";
  const plain = String(label).toLowerCase();
  return ALIASES[plain] || plain;
}

/** A vocabulary label (channel, status, type, field name) in the current language, or the label itself. */
export function term(label) {
  const key = canonical(label);
  return VOCABULARY[lang][key] ?? VOCABULARY.en[key] ?? String(label ?? "");
}

/** Fill every [data-i18n] element (and placeholders) of the static page. */
export function translatePage(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
}

export function formatTime(value) {
  if (!value) return "";
  const date = new Date(value);
  return date.toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { dateStyle: "short", timeStyle: "short", hour12: false });
}

export function formatMoney(value) {
  if (value == null || value === "") return "";
  return `¥${Number(value).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
