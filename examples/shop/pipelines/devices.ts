/**
 * Device health: clean readings (SQL) and per-device hourly temperature
 * statistics, written as a TypeScript transformation.
 */
import { check, dataset, type Row } from 'pond';
import { deviceEvents } from './streams.ts';

/** Readings a sensor can really take: glitches (−196.6 °F, 999.9 °F …) and unknown statuses are dropped. */
export const cleanDeviceEvents = dataset({
  name: 'clean_device_events',
  description: 'Device readings within −40…150 °F with a known status, with the temperature also in °C.',
  inputs: { device_events: deviceEvents },
  checks: [
    check.acceptedValues('status', ['ok', 'warning', 'error']),
    check.range('degrees_fahrenheit', { min: -40, max: 150 }),
    check.notNull(['device_id', 'time_utc']),
  ],
  sql: `
    select
      device_id,
      time_utc,
      degrees_fahrenheit,
      round((degrees_fahrenheit - 32) * 5 / 9, 2) as degrees_celsius,
      status,
      battery_pct
    from device_events
    where degrees_fahrenheit between -40 and 150
      and status in ('ok', 'warning', 'error')
      and device_id is not null and device_id <> ''
      and time_utc is not null
    order by device_id, time_utc
  `,
});

interface DeviceStats {
  temperatures: number[];
  warnings: number;
  errors: number;
  minBattery: number | null;
}

/** A number from a DuckDB value: DOUBLE arrives as number, BIGINT may arrive as bigint. */
function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Temperature statistics per device and hour. A TypeScript transformation: it
 * reads its input in batches and yields one row per device.
 */
export const deviceHourly = dataset({
  name: 'device_hourly',
  description: 'Per device and hour: readings, min/max/mean/median °F, warnings, errors and the lowest battery level.',
  inputs: { readings: cleanDeviceEvents },
  checks: [check.unique('device_id'), check.range('min_battery_pct', { min: 0, max: 100 })],
  columns: {
    hour: 'TIMESTAMPTZ',
    device_id: 'VARCHAR',
    readings: 'BIGINT',
    min_fahrenheit: 'DOUBLE',
    max_fahrenheit: 'DOUBLE',
    mean_fahrenheit: 'DOUBLE',
    median_fahrenheit: 'DOUBLE',
    warnings: 'BIGINT',
    errors: 'BIGINT',
    min_battery_pct: 'BIGINT',
  },
  async *transform({ partition, inputs, log }) {
    const byDevice = new Map<string, DeviceStats>();
    let skipped = 0;
    for await (const batch of inputs.readings.batches()) {
      for (const row of batch) {
        const deviceId = row.device_id;
        const fahrenheit = toNumber(row.degrees_fahrenheit);
        if (typeof deviceId !== 'string' || fahrenheit === null) {
          skipped++;
          continue;
        }
        let stats = byDevice.get(deviceId);
        if (!stats) {
          stats = { temperatures: [], warnings: 0, errors: 0, minBattery: null };
          byDevice.set(deviceId, stats);
        }
        stats.temperatures.push(fahrenheit);
        if (row.status === 'warning') stats.warnings++;
        if (row.status === 'error') stats.errors++;
        const battery = toNumber(row.battery_pct);
        if (battery !== null) stats.minBattery = stats.minBattery === null ? battery : Math.min(stats.minBattery, battery);
      }
    }
    if (skipped > 0) log(`skipped ${skipped} rows without a device or a temperature`);

    const rows: Row[] = [];
    // Sorted devices and sorted temperatures: the same input rows give the same
    // output, to the last bit, whatever order they are read in.
    for (const deviceId of [...byDevice.keys()].sort()) {
      const stats = byDevice.get(deviceId) as DeviceStats;
      const t = stats.temperatures.sort((a, b) => a - b);
      const n = t.length;
      const mid = Math.floor(n / 2);
      const median = n % 2 === 1 ? (t[mid] as number) : ((t[mid - 1] as number) + (t[mid] as number)) / 2;
      rows.push({
        hour: partition.start,
        device_id: deviceId,
        readings: n,
        min_fahrenheit: t[0] as number,
        max_fahrenheit: t[n - 1] as number,
        mean_fahrenheit: round2(t.reduce((sum, x) => sum + x, 0) / n),
        median_fahrenheit: round2(median),
        warnings: stats.warnings,
        errors: stats.errors,
        min_battery_pct: stats.minBattery,
      });
    }
    yield rows;
  },
});
