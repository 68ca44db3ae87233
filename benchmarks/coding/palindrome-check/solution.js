export function isPalindrome(text) {
  throw new Error('not implemented');
}

export function longestPalindrome(text) {
  throw new Error('not implemented');
}
