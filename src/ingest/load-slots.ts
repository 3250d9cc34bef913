// A load holds a pooled connection, in an open transaction, from its first row
// to its commit, and needs the pool once more on the way (progress writes, the
// revision's state). With as many loads as connections, each waited for one
// the others held, and the service stopped answering. Loads therefore take a
// slot first: the slots are fewer than the connections, and uploads past them
// are stored and wait their turn. Loads begun while their upload still arrives
// take a second, smaller set (early-load.ts) without waiting.
export class LoadSlots {
  #free: number
  readonly #waiting: Array<() => void> = []

  constructor(size: number) {
    this.#free = size
  }

  // A slot if one is free now (a load begun while its upload still arrives
  // must not hold the upload back waiting for one).
  tryTake(): boolean {
    if (this.#free === 0) return false
    this.#free--
    return true
  }

  // A slot, once one is free; first come, first served.
  async take(): Promise<void> {
    if (this.tryTake()) return
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  give(): void {
    const next = this.#waiting.shift()
    if (next === undefined) this.#free++
    else next()
  }
}
