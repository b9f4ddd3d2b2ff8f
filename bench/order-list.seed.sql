-- 10 M orders for the admin order list benchmark (issue #6): a year of orders over the demo stores
-- and cabinets, with the mix a real chain has — mostly paid, a few unpaid / paying / failed, a
-- third by tickets, rare corrections and held orders — and one line each. :rows rows (psql -v).
\timing on
INSERT INTO orders (created_at, device_id, door_session_id, hold, item_count, order_no, order_time, order_type, payment_failure, payment_status, payment_time,
  payment_type, price_mismatch, related_order_no, store_id, ticket_payment_amount, total_amount, updated_at, user_id, user_phone, vendor_total, wheat_order_no, wx_payment_amount)
WITH dv AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(store_id ORDER BY id) AS stores FROM devices WHERE store_id IS NOT NULL),
     us AS (SELECT array_agg(id ORDER BY id) AS ids FROM users)
SELECT t, dv.ids[1 + i % cardinality(dv.ids)], NULL,
       CASE WHEN r3 < 0.005 THEN 'AmountOverLimit' END,
       1 + (i % 5),
       'OD' || to_char(t, 'YYYYMMDDHH24MISS') || lpad(i::text, 9, '0'),
       t,
       CASE WHEN r2 < 0.01 THEN 'Corrected' WHEN r2 < 0.015 THEN 'Supplementary' ELSE 'Normal' END,
       NULL,
       CASE WHEN r1 < 0.02 THEN 0 WHEN r1 < 0.03 THEN 1 WHEN r1 < 0.035 THEN 3 ELSE 2 END,
       CASE WHEN r1 >= 0.035 THEN t + interval '5 seconds' END,
       CASE WHEN i % 3 = 0 THEN 'Tickets' ELSE 'WeChat' END,
       r3 > 0.99, NULL, dv.stores[1 + i % cardinality(dv.stores)], 0, (100 + (i % 5000)) / 100.0, t,
       CASE WHEN i % 4 = 0 THEN us.ids[1 + i % cardinality(us.ids)] END, NULL, (100 + (i % 5000)) / 100.0, 'WX' || lpad(i::text, 12, '0'), 0
FROM (SELECT i, now() - (i::double precision / :rows) * interval '365 days' AS t, random() AS r1, random() AS r2, random() AS r3
      FROM generate_series(1, :rows) AS i) g, dv, us;
INSERT INTO order_items (amount, barcode, confidence, line_no, name, order_id, price_mismatch, product_id, quantity, sku_code, unit_price, vendor_amount, vendor_unit_price)
SELECT o.total_amount, '6901234567892', 0.98, 1, '饮用天然水 550ml', o.id, false, NULL, o.item_count, 'P10001', o.total_amount, o.total_amount, o.total_amount
FROM orders o;
ANALYZE orders;
ANALYZE order_items;
