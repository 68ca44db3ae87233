export function parseCsv(text, options = {}) {
  return text.split('\n').map((line) => line.split(','));
}
