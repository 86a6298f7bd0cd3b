/**
 * What a load balancer in front of several instances does for the crash benchmark's clients:
 * new reports go to the instances in turn, and a client whose instance stops answering (a
 * connection refused or broken off) is sent to the next one.
 */
export class Balancer {
  private turn = 0

  constructor(readonly origins: readonly string[]) {
    if (origins.length === 0) throw new Error('A balancer needs at least one instance')
  }

  /** The instance for a new report. */
  next(): string {
    const origin = this.origins[this.turn % this.origins.length] ?? ''
    this.turn++
    return origin
  }

  /** The instance after `origin`, for a client whose connection to it failed. */
  after(origin: string): string {
    const i = this.origins.indexOf(origin)
    return this.origins[(i + 1) % this.origins.length] ?? origin
  }
}
