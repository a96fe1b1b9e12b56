/** The one object the preload exposes (window.cardioseg); absent in web mode. */
export interface CardiosegBridge {
  post(msg: unknown): void;
  onMessage(fn: (msg: unknown) => void): () => void;
}

declare global {
  interface Window {
    cardioseg?: CardiosegBridge;
  }
}
