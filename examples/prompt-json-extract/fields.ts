// The six fields of an extraction, and how a model's value for each is made comparable with the expected one.

/** The fields every answer must hold, in the order the prompt and the feedback name them. */
export const FIELDS = ['name', 'email', 'company', 'amount', 'currency', 'date'] as const;

export type Field = (typeof FIELDS)[number];

/** An expected answer: text for every field but `amount`, a number; null where the text does not give the field. */
export type Extraction = { [field in Field]: field extends 'amount' ? number | null : string | null };

/** A value made comparable, or why it cannot be compared. `null` means "the text does not give it". */
export type Reading = { value: string | number | null } | { problem: string };

/** Unambiguous currency signs; `$` and `¥` are not here, since several currencies write them. */
const CURRENCY_SIGNS: Record<string, string> = { '€': 'EUR', '£': 'GBP', '₹': 'INR' };
const ISO_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+Z?)?$/;

/**
 * A model's value for `field`, normalised so that spelling that does not matter does not count:
 * case, spaces, `.` and `,` in names and companies; case and a `mailto:` prefix in emails;
 * thousands separators and currency signs in amounts (`"$1,234.50"` reads as 1234.5); case and
 * the signs €, £, ₹ in currencies; and dates in year-month-day order with `-`, `/` or `.` (read
 * as `YYYY-MM-DD`). An empty string counts as null. Any other form is kept as it is, to be wrong.
 *
 * @example
 * readValue('name', '  maria  LOPEZ ') // { value: 'marialopez' }
 * readValue('amount', 'EUR 1.234,50') // { value: 1234.5 }
 * readValue('date', '2024-3-5') // { value: '2024-03-05' }
 */
export function readValue(field: Field, raw: unknown): Reading {
  if (raw === null || (typeof raw === 'string' && raw.trim() === '')) return { value: null };
  if (field === 'amount') return readAmount(raw);
  if (typeof raw !== 'string') return { problem: `expected text or null, got ${JSON.stringify(raw)}` };
  const text = raw.normalize('NFKC').trim();
  switch (field) {
    case 'name':
    case 'company':
      return { value: text.toLowerCase().replace(/[\s.,]+/g, '') };
    case 'email':
      return { value: text.toLowerCase().replace(/^mailto:/, '') };
    case 'currency':
      return { value: CURRENCY_SIGNS[text] ?? text.toUpperCase() };
    case 'date':
      return { value: isoDate(text) ?? text };
  }
}

/** An amount as a number: a JSON number, or text whose separators and signs are stripped (see `parseAmount`). */
function readAmount(raw: unknown): Reading {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { value: raw } : { problem: `${raw} is not a finite number` };
  if (typeof raw !== 'string') return { problem: `expected a number or null, got ${JSON.stringify(raw)}` };
  const value = parseAmount(raw);
  return value === undefined ? { problem: `${JSON.stringify(raw)} is not a number` } : { value };
}

/**
 * The first number in an amount written as text, spaces and `'` removed (so signs and codes around it drop away).
 * When both `.` and `,` occur, the later one is the decimal point. When only one of them occurs,
 * it groups digits if it occurs twice or more (`1,20,000`, Indian grouping, too) or once before
 * exactly three final digits (`1,250`); otherwise it is the decimal point (`12,5`).
 *
 * @example
 * parseAmount('$12,450.00') // 12450
 * parseAmount('3.200,50 €') // 3200.5
 * parseAmount("CHF 1'250") // 1250
 */
export function parseAmount(text: string): number | undefined {
  // Separators count only between digits: the dot of "Rs." is not a decimal point.
  const digits = /-?\d(?:[\d.,]*\d)?/.exec(text.replace(/[\s']/g, ''))?.[0];
  if (digits === undefined) return undefined;
  const lastDot = digits.lastIndexOf('.');
  const lastComma = digits.lastIndexOf(',');
  let plain: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    plain = digits.split(thousands).join('').replace(decimal, '.');
  } else {
    const separator = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : undefined;
    if (separator === undefined) plain = digits;
    else if (groupsDigits(digits, separator)) plain = digits.split(separator).join('');
    else plain = digits.replace(separator, '.');
  }
  const value = Number(plain);
  return plain !== '' && Number.isFinite(value) ? value : undefined;
}

/** Whether the one separator in the text groups digits rather than marking the decimals. */
function groupsDigits(digits: string, separator: '.' | ','): boolean {
  const groups = digits.split(separator);
  return groups.length > 2 || groups.at(-1)?.length === 3;
}

/** A year-month-day date as `YYYY-MM-DD`, or undefined when the text is not one or names no real day. */
export function isoDate(text: string): string | undefined {
  const match = ISO_DATE.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${match[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Two readings agree: numbers within half a cent, anything else exactly. */
export function sameValue(field: Field, got: string | number | null, expected: string | number | null): boolean {
  if (got === null || expected === null) return got === expected;
  if (field === 'amount') return typeof got === 'number' && typeof expected === 'number' && Math.abs(got - expected) < 0.005;
  return got === expected;
}
