// One submission, one idempotency key: a retry of the same submission reuses its key (and the time
// it was first stamped with), so the hub records it once however often the clerk presses the button
// after a network error.
import { gql, NetworkError } from "./api.js";

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // works on plain-HTTP intranets too
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class Submission {
  constructor(mutation) {
    this.mutation = mutation;
    this.pending = null; // {typed, input} of a submission whose answer never came
  }

  /** Send what the clerk ``typed``; ``complete(typed)`` adds the rest (e.g. the time) once per submission. */
  async send(typed, complete = (x) => x) {
    const text = JSON.stringify(typed);
    if (!this.pending || this.pending.typed !== text) {
      this.pending = { typed: text, input: { ...complete(typed), idempotencyKey: newKey() } };
    }
    const { input } = this.pending;
    try {
      const data = await gql(this.mutation, { input });
      this.pending = null;
      return { data, key: input.idempotencyKey };
    } catch (error) {
      if (!(error instanceof NetworkError)) this.pending = null; // refused: trying again is a new submission
      throw error;
    }
  }
}
