// Formatting helpers of the operator dashboard. Pure functions, no DOM.

const WEI_PER_ETH = 10n ** 18n;
const WEI_PER_GWEI = 10n ** 9n;

/** Groups the digits of a non-negative integer string in threes: "1234567" → "1,234,567". */
export function groupDigits(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A wei amount (decimal string) for people: ETH with up to `decimals` decimals
 * (trailing zeros dropped), or gwei / wei when it is too small to show in ETH.
 * Never rounds a non-zero amount to "0".
 */
export function formatWei(wei, decimals = 6) {
  if (wei === null || wei === undefined) return '—';
  const value = BigInt(wei);
  if (value === 0n) return '0 ETH';
  const unit = 10n ** BigInt(18 - decimals);
  if (value >= unit) {
    const whole = value / WEI_PER_ETH;
    const fraction = ((value % WEI_PER_ETH) / unit).toString().padStart(decimals, '0').replace(/0+$/, '');
    return `${groupDigits(whole.toString())}${fraction ? `.${fraction}` : ''} ETH`;
  }
  if (value >= WEI_PER_GWEI) return `${groupDigits((value / WEI_PER_GWEI).toString())} gwei`;
  return `${groupDigits(value.toString())} wei`;
}

/** An integer for people: 1234567 → "1,234,567"; null → "—". */
export function formatCount(n) {
  if (n === null || n === undefined) return '—';
  return groupDigits(String(Math.round(n)));
}

/** 0x-hex shortened to its start and end: "0x1234…cdef". */
export function shortHex(hex, keep = 4) {
  if (!hex) return '—';
  return hex.length <= 2 + keep * 2 + 1 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

/** A UUID shortened to its last 8 characters (uuid v7 starts with the time, so the end tells ids apart). */
export function shortId(id) {
  return id ? `…${id.slice(-8)}` : '—';
}

/** How long ago `ms` (epoch ms) was, relative to `now`: "4 s ago", "3 min ago", "2 h ago", "5 d ago". */
export function ago(ms, now = Date.now()) {
  if (ms === null || ms === undefined) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A reliability score in [0, 1] as a percentage: 0.934 → "93%". */
export function percent(score) {
  return `${Math.round(score * 100)}%`;
}
