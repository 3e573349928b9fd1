/**
 * Device health: clean readings (SQL) and hourly statistics per device (a
 * TypeScript transformation), each run for real on a few rows (`pond test devices`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDataset } from 'pond/testing';
import { cleanDeviceEvents, deviceHourly } from '../pipelines/devices.ts';

const HOUR = '2026-11-23T19:00Z/PT1H';

const reading = (device_id: string, minute: number, degrees_fahrenheit: number, status = 'ok', battery_pct?: number) => ({
  event_type: 'environmental_info',
  device_id,
  time_utc: `2026-11-23T19:${String(minute).padStart(2, '0')}:00Z`,
  degrees_fahrenheit,
  status,
  battery_pct,
});

describe('clean_device_events', () => {
  it('drops sensor glitches and unknown statuses, and adds °C', async () => {
    const rows = await runDataset(cleanDeviceEvents, {
      partition: HOUR,
      inputs: {
        device_events: [
          reading('dev-1', 1, 50, 'ok', 80),
          reading('dev-1', 2, -196.6), // glitch
          reading('dev-1', 3, 999.9), // glitch
          reading('dev-2', 4, 98.6, 'warning'),
          reading('dev-2', 5, 70, 'rebooting'), // unknown status
          reading('', 6, 70), // no device
        ],
      },
    });
    assert.deepEqual(rows, [
      { device_id: 'dev-1', time_utc: new Date('2026-11-23T19:01:00Z'), degrees_fahrenheit: 50, degrees_celsius: 10, status: 'ok', battery_pct: 80 },
      { device_id: 'dev-2', time_utc: new Date('2026-11-23T19:04:00Z'), degrees_fahrenheit: 98.6, degrees_celsius: 37, status: 'warning', battery_pct: null },
    ]);
  });

  it('keeps the edges of the plausible range, −40 °F and 150 °F', async () => {
    const rows = await runDataset(cleanDeviceEvents, {
      partition: HOUR,
      inputs: { device_events: [reading('dev-1', 1, -40), reading('dev-1', 2, 150), reading('dev-1', 3, 150.1)] },
    });
    assert.deepEqual(
      rows.map((r) => [r.degrees_fahrenheit, r.degrees_celsius]),
      [
        [-40, -40],
        [150, 65.56],
      ],
    );
  });
});

describe('device_hourly (TypeScript)', () => {
  const clean = (device_id: string, degrees_fahrenheit: number, status = 'ok', battery_pct: number | null = null) => ({
    device_id,
    degrees_fahrenheit,
    status,
    battery_pct,
  });

  it('summarises each device for the hour: readings, min, max, mean, median, warnings, errors, lowest battery', async () => {
    const rows = await runDataset(deviceHourly, {
      partition: HOUR,
      inputs: {
        readings: [
          clean('dev-2', 60, 'ok', 40),
          clean('dev-1', 70, 'ok', 90),
          clean('dev-1', 61, 'warning', 85),
          clean('dev-1', 66),
          clean('dev-1', 75, 'error', 88),
        ],
      },
    });
    assert.deepEqual(rows, [
      {
        hour: new Date('2026-11-23T19:00:00Z'),
        device_id: 'dev-1',
        readings: 4,
        min_fahrenheit: 61,
        max_fahrenheit: 75,
        mean_fahrenheit: 68,
        median_fahrenheit: 68,
        warnings: 1,
        errors: 1,
        min_battery_pct: 85,
      },
      {
        hour: new Date('2026-11-23T19:00:00Z'),
        device_id: 'dev-2',
        readings: 1,
        min_fahrenheit: 60,
        max_fahrenheit: 60,
        mean_fahrenheit: 60,
        median_fahrenheit: 60,
        warnings: 0,
        errors: 0,
        min_battery_pct: 40,
      },
    ]);
  });

  it('leaves the battery empty for mains-powered devices and logs rows it cannot use', async () => {
    const log: string[] = [];
    const rows = await runDataset(deviceHourly, {
      partition: HOUR,
      inputs: { readings: [clean('dev-9', 65), { device_id: 'dev-9', degrees_fahrenheit: null, status: 'ok' }] },
      log: (line) => log.push(line),
    });
    assert.deepEqual(
      rows.map((r) => [r.device_id, r.readings, r.min_battery_pct]),
      [['dev-9', 1, null]],
    );
    assert.deepEqual(log, ['skipped 1 rows without a device or a temperature']);
  });
});
