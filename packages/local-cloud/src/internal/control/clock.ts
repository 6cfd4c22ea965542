/** The cloud's notion of now: real time plus an offset tests move forward to expire tokens without waiting. */
export class CloudClock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, as the cloud sees it. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the cloud's time forward. */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
