// How times, durations and numbers read in the console: pure functions, no DOM.

/** An ISO-8601 time in the browser's time zone (or the one given), such as "29 Nov 2026, 18:02:35". */
export function formatLocal(iso, { locale, timeZone } = {}) {
  const date = toDate(iso);
  if (!date) {
    return '—';
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone }).format(date);
}

/** Only the time of day when the date is plain from context, such as chart labels. */
export function formatLocalShort(iso, { locale, timeZone, withDate = false } = {}) {
  const date = toDate(iso);
  if (!date) {
    return '—';
  }
  const options = withDate
    ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone }
    : { hour: '2-digit', minute: '2-digit', timeZone };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** The same time in UTC, for titles: "2026-11-29 17:02:35 UTC". */
export function formatUtc(iso) {
  const date = toDate(iso);
  if (!date) {
    return '';
  }
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

/** A duration in seconds as a person reads it: "0.4 s", "12 s", "3 min 5 s", "2 h 10 min", "3 d 4 h". */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '—';
  }
  const s = Math.max(0, seconds);
  if (s < 10) {
    return `${Math.round(s * 10) / 10} s`;
  }
  if (s < 60) {
    return `${Math.round(s)} s`;
  }
  const total = Math.round(s);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (days > 0) {
    return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  }
  if (hours > 0) {
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
}

/** A ratio from 0 to 1 as a percentage: "42 %". */
export function formatRatio(ratio) {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) {
    return '—';
  }
  return `${Math.round(ratio * 1000) / 10} %`;
}

export function formatCount(count, locale) {
  return new Intl.NumberFormat(locale).format(count);
}

function toDate(iso) {
  if (iso === null || iso === undefined || iso === '') {
    return null;
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}
