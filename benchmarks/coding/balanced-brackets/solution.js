export function checkBrackets(text) {
  return { ok: true };
}
