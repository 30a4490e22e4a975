import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import {
  bucketStart,
  localLabel,
  localParts,
  nextBucketStart,
  offsetAt,
  zonedToUtc,
} from '../../../src/reports/time/zoned.js';

const H = 3_600_000;
const NY = 'America/New_York';

describe('zoned time (Intl, no tz library)', () => {
  it('offsetAt() gives the standard and daylight offsets', () => {
    assert.equal(offsetAt(Date.UTC(2026, 0, 15, 12), NY), -5 * H);
    assert.equal(offsetAt(Date.UTC(2026, 6, 15, 12), NY), -4 * H);
    assert.equal(offsetAt(Date.UTC(2026, 6, 15, 12), 'Asia/Shanghai'), 8 * H);
    assert.equal(offsetAt(Date.UTC(2026, 6, 15, 12), 'Asia/Kathmandu'), 5.75 * H);
  });

  it('zonedToUtc() resolves gaps forward and ambiguous times to the earlier instant', () => {
    // 2026-03-08 02:30 does not exist in New York (02:00 → 03:00): resolves to 03:30 EDT = 07:30Z
    assert.equal(zonedToUtc(NY, 2026, 3, 8, 2, 30), Date.UTC(2026, 2, 8, 7, 30));
    // 2026-11-01 01:30 happens twice: earlier is EDT (05:30Z)
    assert.equal(zonedToUtc(NY, 2026, 11, 1, 1, 30), Date.UTC(2026, 10, 1, 5, 30));
    assert.equal(zonedToUtc('Asia/Shanghai', 2026, 1, 1), Date.UTC(2025, 11, 31, 16));
  });

  it('local days are 23 h and 25 h long on DST transition days', () => {
    const spring = bucketStart(Date.UTC(2026, 2, 8, 15), 'day', NY);
    assert.equal(spring, Date.UTC(2026, 2, 8, 5));
    assert.equal(nextBucketStart(spring, 'day', NY) - spring, 23 * H);
    const fall = bucketStart(Date.UTC(2026, 10, 1, 15), 'day', NY);
    assert.equal(nextBucketStart(fall, 'day', NY) - fall, 25 * H);
  });

  it('a day whose midnight does not exist (Havana, DST at 00:00) starts at 01:00 and lasts 23 h', () => {
    const tz = 'America/Havana';
    const day = bucketStart(Date.UTC(2026, 2, 8, 12), 'day', tz);
    assert.equal(localLabel(day, tz), '2026-03-08 01:00');
    assert.equal(nextBucketStart(day, 'day', tz) - day, 23 * H);
    assert.equal(day - bucketStart(day - 1, 'day', tz), 24 * H);
  });

  it('the repeated fall-back hour gives two distinct hourly buckets', () => {
    const first = bucketStart(Date.UTC(2026, 10, 1, 5, 40), '60m', NY); // 01:40 EDT
    const second = bucketStart(Date.UTC(2026, 10, 1, 6, 40), '60m', NY); // 01:40 EST
    assert.equal(first, Date.UTC(2026, 10, 1, 5));
    assert.equal(second, Date.UTC(2026, 10, 1, 6));
    assert.equal(nextBucketStart(first, '60m', NY), second);
    assert.equal(localLabel(first, NY), localLabel(second, NY)); // both read "01:00" locally
    // the skipped spring hour: 01:00 EST bucket is followed directly by 03:00 EDT
    const b1 = bucketStart(Date.UTC(2026, 2, 8, 6, 59), '60m', NY);
    assert.equal(localLabel(nextBucketStart(b1, '60m', NY), NY), '2026-03-08 03:00');
  });

  it('15-minute buckets follow the local wall clock in a +05:45 zone', () => {
    const t = Date.UTC(2026, 5, 1, 3, 20); // 09:05 in Kathmandu
    assert.equal(localLabel(bucketStart(t, '15m', 'Asia/Kathmandu'), 'Asia/Kathmandu'), '2026-06-01 09:00');
    assert.equal(localLabel(bucketStart(t, '60m', 'Asia/Kathmandu'), 'Asia/Kathmandu'), '2026-06-01 09:00');
  });

  it('a 30-minute DST shift (Lord Howe) never yields a bucket that starts before the shift', () => {
    const tz = 'Australia/Lord_Howe'; // 2026-10-04 02:00 → 02:30
    const after = zonedToUtc(tz, 2026, 10, 4, 2, 40);
    const s = bucketStart(after, '60m', tz);
    assert.ok(s <= after && offsetAt(s, tz) === offsetAt(after, tz));
    assert.ok(nextBucketStart(s, '60m', tz) > after);
  });

  it('week buckets start on the configured weekday, months on the 1st', () => {
    const wed = Date.UTC(2026, 6, 15, 12); // Wednesday
    assert.equal(localParts(bucketStart(wed, 'week', 'UTC', 1), 'UTC').weekday, 1);
    assert.equal(localParts(bucketStart(wed, 'week', 'UTC', 0), 'UTC').weekday, 0);
    const m = bucketStart(wed, 'month', 'Europe/Berlin');
    assert.equal(localLabel(m, 'Europe/Berlin'), '2026-07-01 00:00');
    assert.equal(
      localLabel(nextBucketStart(m, 'month', 'Europe/Berlin'), 'Europe/Berlin'),
      '2026-08-01 00:00',
    );
  });

  it('rejects an unknown time zone with SWB_REPORTS_TIMEZONE', () => {
    assert.throws(
      () => offsetAt(0, 'Mars/Olympus_Mons'),
      (e) => isSwbError(e, 'SWB_REPORTS_TIMEZONE'),
    );
  });
});
