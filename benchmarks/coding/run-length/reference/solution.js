export function encode(text) {
  return text.replace(/(.)\1+/gs, (run, character) => `${run.length}${character}`);
}

export function decode(text) {
  return text.replace(/(\d+)(.)/gs, (_match, count, character) => character.repeat(Number(count)));
}
