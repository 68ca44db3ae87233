export class Emitter {
  #listeners = new Map();

  #add(name, listener, once) {
    const entry = { listener, once, active: true };
    if (!this.#listeners.has(name)) this.#listeners.set(name, []);
    this.#listeners.get(name).push(entry);
    return () => this.#remove(name, entry);
  }

  #remove(name, entry) {
    const list = this.#listeners.get(name) ?? [];
    const at = list.indexOf(entry);
    if (at >= 0) list.splice(at, 1);
    entry.active = false;
  }

  on(name, listener) {
    return this.#add(name, listener, false);
  }

  once(name, listener) {
    return this.#add(name, listener, true);
  }

  off(name, listener) {
    const entry = (this.#listeners.get(name) ?? []).find((item) => item.listener === listener);
    if (entry) this.#remove(name, entry);
  }

  emit(name, ...args) {
    const errors = [];
    let called = 0;
    for (const entry of [...(this.#listeners.get(name) ?? [])]) {
      if (!entry.active) continue;
      if (entry.once) this.#remove(name, entry);
      called++;
      try {
        entry.listener(...args);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} listener(s) of "${name}" failed`);
    return called;
  }

  listenerCount(name) {
    return this.#listeners.get(name)?.length ?? 0;
  }
}
