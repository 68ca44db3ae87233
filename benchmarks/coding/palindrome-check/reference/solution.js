export function isPalindrome(text) {
  const kept = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return kept === [...kept].reverse().join('');
}

export function longestPalindrome(text) {
  let best = '';
  for (let center = 0; center < text.length; center++) {
    for (const [left0, right0] of [[center, center], [center, center + 1]]) {
      let left = left0;
      let right = right0;
      while (left >= 0 && right < text.length && text[left] === text[right]) { left--; right++; }
      const found = text.slice(left + 1, right);
      if (found.length > best.length) best = found;
    }
  }
  return best;
}
