/**
 * Sales: clean purchases, decorate them with the buyer's profile (one row per
 * purchased item), and sum them up per hour and per day.
 *
 * Money is DECIMAL, not DOUBLE: sums of decimals do not depend on the order
 * DuckDB adds the rows in, so a rebuild gives the same numbers to the cent.
 */
import { check, dataset, sink } from 'pond';
import { userEvents, users } from './streams.ts';

/** One-click purchases whose every item has a SKU, a positive price and a positive quantity. */
export const cleanPurchases = dataset({
  name: 'clean_purchases',
  description: 'One-click purchases with valid items; a purchase with a free or negative price is dropped whole.',
  inputs: { user_events: userEvents },
  checks: [check.unique('purchase_id'), check.notNull(['purchase_id', 'user_id', 'time_utc'])],
  sql: `
    select
      _message_id as purchase_id,
      user_id,
      device_id,
      time_utc,
      purchased_items
    from user_events
    where event_type = 'button_pressed'
      and button = 'one-click purchase'
      and user_id is not null
      and time_utc is not null
      and len(purchased_items) > 0
      and list_bool_and(list_transform(
            purchased_items,
            lambda i: i.sku is not null and i.unit_price > 0 and i.quantity > 0))
    order by time_utc, purchase_id
  `,
});

/**
 * One row per purchased item, with revenue and the buyer's country and plan
 * as of the purchase (an ASOF join on the newest profile record at or before
 * it). The users stream is a lookup table here: every partition of it.
 */
export const purchaseItems = dataset({
  name: 'purchase_items',
  description: 'Purchased items with revenue, decorated with the buyer’s country and plan at the time of purchase.',
  inputs: {
    purchases: cleanPurchases,
    users: { from: users, map: 'all' },
  },
  key: ['purchase_id', 'line_no'],
  // What the sinks and dashboards downstream rely on.
  contract: {
    purchase_id: 'VARCHAR',
    line_no: 'BIGINT',
    time_utc: 'TIMESTAMP WITH TIME ZONE',
    user_id: 'VARCHAR',
    sku: 'VARCHAR',
    quantity: 'BIGINT',
    unit_price: 'DECIMAL(12,2)',
    revenue: 'DECIMAL(14,2)',
  },
  checks: [
    check.unique(['purchase_id', 'line_no']),
    check.range('quantity', { min: 1 }),
    check.range('unit_price', { min: 0.01 }),
    check.acceptedValues('plan', ['free', 'plus', 'pro', 'unknown']),
    // Buyers without a profile yet get country and plan 'unknown': counted, not stopped.
    check.relationships('user_id', { to: users, field: 'user_id' }, { severity: 'warn' }),
  ],
  sql: `
    with profiles as (
      select user_id, country, plan, time_utc as valid_from
      from users
      where user_id is not null and time_utc is not null
      qualify row_number() over (
        partition by user_id, time_utc
        order by country, plan, name, signup_time_utc
      ) = 1
    ),
    lines as (
      select
        purchase_id,
        user_id,
        device_id,
        time_utc,
        unnest(purchased_items) as item,
        unnest(range(1, len(purchased_items) + 1)) as line_no
      from purchases
    )
    select
      l.purchase_id,
      l.line_no,
      l.time_utc,
      l.user_id,
      l.device_id,
      coalesce(u.country, 'unknown') as country,
      coalesce(u.plan, 'unknown') as plan,
      l.item.sku as sku,
      l.item.description as description,
      l.item.quantity as quantity,
      cast(l.item.unit_price as decimal(12, 2)) as unit_price,
      cast(cast(l.item.unit_price as decimal(12, 2)) * l.item.quantity as decimal(14, 2)) as revenue
    from lines l
    asof left join profiles u
      on l.user_id = u.user_id
     and l.time_utc >= u.valid_from
    order by l.time_utc, l.purchase_id, l.line_no
  `,
});

/** Orders, units, revenue and buyers per SKU and country for each hour. */
export const hourlySales = dataset({
  name: 'hourly_sales',
  description: 'Orders, units, revenue and distinct buyers per SKU and country, per hour.',
  inputs: { items: purchaseItems },
  checks: [check.unique(['sku', 'country']), check.sql('units_cover_orders', 'select * from hourly_sales where units < orders or revenue < 0')],
  sql: `
    select
      p.start as hour,
      i.sku,
      min(i.description) as description,
      i.country,
      count(distinct i.purchase_id) as orders,
      cast(sum(i.quantity) as bigint) as units,
      cast(sum(i.revenue) as decimal(18, 2)) as revenue,
      count(distinct i.user_id) as buyers
    from items i
    cross join pond_partition p
    group by p.start, i.sku, i.country
    order by i.sku, i.country
  `,
});

/** The day's sales per SKU and country, from its 24 hours of hourly_sales. */
export const dailySales = dataset({
  name: 'daily_sales',
  description: 'Orders, units and revenue per SKU and country, per day (UTC).',
  partition: 'day',
  inputs: { hourly: { from: hourlySales, map: 'window' } },
  checks: [
    check.unique(['sku', 'country']),
    check.range('hours_with_sales', { min: 1, max: 24 }),
    // A day with far fewer or far more rows than the weeks before it: worth a look, not a stop.
    check.volume({ history: 28, minHistory: 7, deviations: 4 }, { severity: 'warn' }),
  ],
  // Each committed day replaces that day's rows in the tables (in one transaction).
  // The SQLite file always; PostgreSQL when SHOP_PG_URL is set, e.g. postgres://pond:pond@127.0.0.1:5432/pond.
  sinks: [sink.sqlite({ file: '.pond/serve.db' }), ...(process.env.SHOP_PG_URL ? [sink.postgres({ url: process.env.SHOP_PG_URL })] : [])],
  sql: `
    select
      cast(timezone('UTC', p.start) as date) as day,
      h.sku,
      min(h.description) as description,
      h.country,
      cast(sum(h.orders) as bigint) as orders,
      cast(sum(h.units) as bigint) as units,
      cast(sum(h.revenue) as decimal(18, 2)) as revenue,
      count(*) as hours_with_sales
    from hourly h
    cross join pond_partition p
    group by p.start, h.sku, h.country
    order by h.sku, h.country
  `,
});
