/** One call as the admin API reports it. Tokens and bodies are never recorded. */
export interface CallRecord {
  time: string;
  method: string;
  path: string;
  status: number | 'reset';
  latencyMs: number;
  principal?: string;
  operation: string;
  requestId: string;
  correlationId: string;
  fault?: string;
  /** A conditional request's `If-Match` or `If-None-Match` header as sent (`If-None-Match: *`); etags are not secret. */
  precondition?: string;
}

/** The bounded list of calls the cloud answered, newest last. */
export class CallLog {
  private records: CallRecord[] = [];

  constructor(private readonly limit = 10_000) {}

  /** Records one answered call. */
  add(record: CallRecord): void {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
  }

  /** All recorded calls. */
  list(): CallRecord[] {
    return [...this.records];
  }

  /** Forgets every call. */
  clear(): void {
    this.records = [];
  }
}
