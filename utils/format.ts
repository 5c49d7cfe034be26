/** Amounts and dates in the browser's locale, through Intl, so every page formats them alike. */
const usdFormat = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const integerFormat = new Intl.NumberFormat();

export const usd = (amount: number) => usdFormat.format(amount);
export const day = (ms: number) => dateFormat.format(ms);
export const dateTime = (ms: number) => dateTimeFormat.format(ms);
export const count = (n: number) => integerFormat.format(n);

/** "Never" is stored as the last representable day. */
export const isNever = (ms: number) => ms >= Date.parse('9999-01-01');
