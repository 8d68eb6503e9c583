// The GraphQL documents of the console; each asks only for what the card shows.

export const WHOAMI = `{ hub { version } }`;

const HIT = `id displayName kind status`;

export const SEARCH = `query Search($text: String!) {
  searchCustomers(text: $text, first: 20) { nodes { score matched customer { ${HIT}
    identifiers(first: 2, type: ["phone"]) { nodes { value } } } } }
}`;

export const LOOKUP = `query Lookup($phone: String, $idNumber: String, $source: String, $sourceKey: String) {
  customerBy(phone: $phone, idNumber: $idNumber, source: $source, sourceKey: $sourceKey) { ${HIT} }
}`;

export function candidatesQuery(count) {
  const fields = Array.from({ length: count }, (_, i) => `c${i}: customer(id: $id${i}) { ${HIT}
    identifiers(first: 2, type: ["phone"]) { nodes { value } } }`).join("\n");
  const args = Array.from({ length: count }, (_, i) => `$id${i}: ID!`).join(", ");
  return `query Candidates(${args}) { ${fields} }`;
}

export const CARD = `query Card($id: ID!) {
  customer(id: $id) {
    id kind status displayName updatedAt
    profile { name value source sourceKey updatedAt }
    identifiers(first: 20) { nodes { type value trusted reason sources { source sourceKey } } }
    accounts(first: 20) { nodes { id source sourceKey accountType status openedAt } }
    subscriptions(first: 20) { nodes { id accountKey msisdn planName status activatedAt } }
    orders(first: 20, status: ["pending", "open", "in_progress"]) { totalCount nodes { id orderType status channel amount createdAt } }
    bills(first: 24) { nodes { period amount paidAmount status dueDate } }
    payments(first: 60) { nodes { amount paidAt method } }
    balance { balance arrears accounts inArrears }
    serviceRequests(first: 30) { nodes { id source sourceKey type channel status summary openedAt closedAt
      statusHistory(first: 20) { nodes { status changedAt agent note } } } }
    contacts(first: 30) { nodes { id source channel direction type occurredAt agent summary outcome eventSeq } }
    analysis { segment valueTier churnScore creditScore asOf }
    accountManager { name phone email region assignedAt }
  }
}`;

export const EVENT_COUNT = `query Seen($ids: [ID!]) { contactEvents(first: 0, filter: { customerIds: $ids }) { totalCount } }`;

export const RECORD_CONTACT = `mutation Record($input: RecordContactInput!) {
  recordContact(input: $input) { replayed event { seq serviceRequestId } }
}`;

export const UPDATE_REQUEST = `mutation Move($input: UpdateServiceRequestInput!) {
  updateServiceRequest(input: $input) { replayed event { seq serviceRequestStatus } }
}`;
