export function wordFrequency(text) {
  return [];
}
