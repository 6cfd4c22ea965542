import type { ThrottleSpec, TokenBucketSpec } from '../../scenario/types.js';

/** The outcome of asking a bucket for one token. */
export interface ThrottleDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** ARM's token-bucket throttle: one read and one write bucket per subscription and principal. */
export class RequestThrottle {
  private buckets = new Map<string, Bucket>();

  constructor(private spec: ThrottleSpec) {}

  /** Replaces the bucket sizes; existing buckets restart full. */
  configure(spec: ThrottleSpec): void {
    this.spec = spec;
    this.buckets.clear();
  }

  /** Current sizes and refill rates. */
  configuration(): ThrottleSpec {
    return this.spec;
  }

  /** Takes one token from the bucket of this scope, principal and kind. */
  take(scope: string, principal: string, kind: 'reads' | 'writes', now: number): ThrottleDecision {
    const spec: TokenBucketSpec = this.spec[kind];
    const key = `${scope}|${principal}|${kind}`;
    const bucket = this.buckets.get(key) ?? { tokens: spec.capacity, updatedAt: now };
    bucket.tokens = Math.min(
      spec.capacity,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * spec.refillPerSecond,
    );
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const wait = spec.refillPerSecond > 0 ? Math.ceil((1 - bucket.tokens) / spec.refillPerSecond) : 3600;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, wait) };
  }
}
