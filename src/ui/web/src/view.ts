/** What a view gets from the router: where to draw, the route's query, and a place for teardown. */
export interface ViewContext {
  root: HTMLElement;
  query: URLSearchParams;
  /** Registers teardown (close streams, dispose charts) for when the route changes. */
  onLeave(cleanup: () => void): void;
  /** False once the user has navigated away, so late responses draw nothing. */
  current(): boolean;
}
