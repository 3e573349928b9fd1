/**
 * Sales: each test runs a dataset's real SQL on a few rows (`pond test sales`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDataset } from 'pond/testing';
import { cleanPurchases, dailySales, hourlySales, purchaseItems } from '../pipelines/sales.ts';

const HOUR = '2026-11-23T19:00Z/PT1H';

const item = (sku: string, unit_price: number, quantity = 1) => ({ sku, description: `${sku} (description)`, unit_price, quantity });

/** A one-click purchase as the app sends it; `_message_id` becomes its purchase_id. */
function purchase(id: string, user_id: string, time_utc: string, items: ReturnType<typeof item>[]) {
  return { _message_id: id, event_type: 'button_pressed', button: 'one-click purchase', user_id, device_id: 'dev-0001', time_utc, purchased_items: items };
}

describe('clean_purchases', () => {
  it('keeps one-click purchases, named by their messageId', async () => {
    const rows = await runDataset(cleanPurchases, {
      partition: HOUR,
      inputs: { user_events: [purchase('p-1', 'user-1', '2026-11-23T19:05:00Z', [item('LED-4PK', 12.99), item('COF-1KG', 24.9, 2)])] },
    });
    assert.deepEqual(rows, [
      {
        purchase_id: 'p-1',
        user_id: 'user-1',
        device_id: 'dev-0001',
        time_utc: new Date('2026-11-23T19:05:00Z'),
        purchased_items: [item('LED-4PK', 12.99), item('COF-1KG', 24.9, 2)],
      },
    ]);
  });

  it('drops a purchase whole when one of its items has a negative or zero price', async () => {
    const rows = await runDataset(cleanPurchases, {
      partition: HOUR,
      inputs: {
        user_events: [
          purchase('good', 'user-1', '2026-11-23T19:05:00Z', [item('LED-4PK', 12.99)]),
          purchase('negative', 'user-1', '2026-11-23T19:10:00Z', [item('COF-1KG', 24.9), item('BAG-50', -8.49, 2)]),
          purchase('free', 'user-2', '2026-11-23T19:15:00Z', [item('BAG-50', 0)]),
        ],
      },
    });
    assert.deepEqual(
      rows.map((r) => r.purchase_id),
      ['good'],
    );
  });

  it('ignores logins and the other buttons', async () => {
    const rows = await runDataset(cleanPurchases, {
      partition: HOUR,
      inputs: {
        user_events: [
          { event_type: 'login', user_id: 'user-1', device_id: 'dev-0001', time_utc: '2026-11-23T19:01:00Z', method: 'sso' },
          { event_type: 'button_pressed', button: 'add to wishlist', user_id: 'user-1', device_id: 'dev-0001', time_utc: '2026-11-23T19:02:00Z' },
        ],
      },
    });
    assert.deepEqual(rows, []);
  });
});

describe('purchase_items', () => {
  const purchases = [
    {
      purchase_id: 'p-1',
      user_id: 'user-1',
      device_id: 'dev-0001',
      time_utc: '2026-11-23T19:05:00Z',
      purchased_items: [item('LED-4PK', 12.99), item('COF-1KG', 2.5, 3)],
    },
    { purchase_id: 'p-2', user_id: 'user-1', device_id: 'dev-0001', time_utc: '2026-11-23T19:40:00Z', purchased_items: [item('BAG-50', 8.49)] },
  ];

  it('has one row per purchased item, with its revenue', async () => {
    const rows = await runDataset(purchaseItems, { partition: HOUR, inputs: { purchases } });
    assert.deepEqual(
      rows.map((r) => [r.purchase_id, r.line_no, r.sku, r.quantity, r.unit_price, r.revenue]),
      [
        ['p-1', 1, 'LED-4PK', 1, 12.99, 12.99],
        ['p-1', 2, 'COF-1KG', 3, 2.5, 7.5],
        ['p-2', 1, 'BAG-50', 1, 8.49, 8.49],
      ],
    );
  });

  it("takes the buyer's country and plan from the profile valid at the time of purchase", async () => {
    const profile = (time_utc: string, country: string, plan: string) => ({
      user_id: 'user-1',
      name: 'Ada',
      signup_time_utc: '2026-01-01T00:00:00Z',
      time_utc,
      country,
      plan,
    });
    const rows = await runDataset(purchaseItems, {
      partition: HOUR,
      inputs: {
        purchases,
        // Free in GB since January; upgraded to pro at 19:30, between the two purchases; moved to FR only the next day.
        users: [profile('2026-01-01T00:00:00Z', 'GB', 'free'), profile('2026-11-23T19:30:00Z', 'GB', 'pro'), profile('2026-11-24T08:00:00Z', 'FR', 'pro')],
      },
      orderBy: ['purchase_id', 'line_no'],
    });
    assert.deepEqual(
      rows.map((r) => [r.purchase_id, r.country, r.plan]),
      [
        ['p-1', 'GB', 'free'],
        ['p-1', 'GB', 'free'],
        ['p-2', 'GB', 'pro'],
      ],
    );
  });

  it('says "unknown" for a buyer with no profile yet', async () => {
    const rows = await runDataset(purchaseItems, {
      partition: HOUR,
      inputs: { purchases, users: [{ user_id: 'user-1', country: 'GB', plan: 'free', time_utc: '2026-11-23T20:00:00Z' }] },
    });
    assert.ok(rows.length > 0);
    for (const row of rows) assert.deepEqual([row.country, row.plan], ['unknown', 'unknown']);
  });
});

describe('hourly_sales', () => {
  it('sums orders, units, revenue and buyers per SKU and country for the hour', async () => {
    const line = (purchase_id: string, user_id: string, sku: string, country: string, quantity: number, revenue: number) => ({
      purchase_id,
      user_id,
      sku,
      description: sku,
      country,
      quantity,
      revenue,
    });
    const rows = await runDataset(hourlySales, {
      partition: HOUR,
      inputs: {
        items: [
          line('p-1', 'user-1', 'LED-4PK', 'GB', 1, 12.99),
          line('p-2', 'user-2', 'LED-4PK', 'GB', 2, 25.98),
          line('p-3', 'user-2', 'LED-4PK', 'GB', 1, 12.99),
          line('p-4', 'user-3', 'LED-4PK', 'US', 1, 12.99),
        ],
      },
    });
    assert.deepEqual(rows, [
      { hour: new Date('2026-11-23T19:00:00Z'), sku: 'LED-4PK', description: 'LED-4PK', country: 'GB', orders: 3, units: 4, revenue: 51.96, buyers: 2 },
      { hour: new Date('2026-11-23T19:00:00Z'), sku: 'LED-4PK', description: 'LED-4PK', country: 'US', orders: 1, units: 1, revenue: 12.99, buyers: 1 },
    ]);
  });
});

describe('daily_sales', () => {
  it('adds up the hours of the day and counts the hours with sales', async () => {
    const hour = (h: string, orders: number, units: number, revenue: number) => ({
      hour: `2026-11-23T${h}:00:00Z`,
      sku: 'COF-1KG',
      description: 'Coffee',
      country: 'GB',
      orders,
      units,
      revenue,
      buyers: orders,
    });
    const rows = await runDataset(dailySales, {
      partition: '2026-11-23',
      inputs: { hourly: [hour('00', 1, 1, 24.9), hour('13', 2, 3, 74.7), hour('23', 1, 2, 49.8)] },
    });
    assert.deepEqual(rows, [
      { day: new Date('2026-11-23T00:00:00Z'), sku: 'COF-1KG', description: 'Coffee', country: 'GB', orders: 4, units: 6, revenue: 149.4, hours_with_sales: 3 },
    ]);
  });
});
