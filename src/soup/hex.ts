/** A program's bytes as lowercase hex, the form the store and `--json` use. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Bytes from hex; throws, naming the text, unless it is whole bytes of hex digits. */
export function fromHex(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`not hex bytes: ${JSON.stringify(hex.slice(0, 40))}`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}
