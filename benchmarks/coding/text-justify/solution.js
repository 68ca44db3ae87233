export function justify(text, width) {
  return [text];
}
