export class Emitter {
  on(name, listener) {
    return () => {};
  }

  once(name, listener) {
    return () => {};
  }

  off(name, listener) {}

  emit(name, ...args) {
    return 0;
  }

  listenerCount(name) {
    return 0;
  }
}
