-- The statements one ticket order issues on PostgreSQL from the door's close to the order paid, in the
-- server's order and transactions, captured from its SQL log (BENCH_SQL_LOG_LEVEL=Information
-- bench/order-charge.sh 1 1): the vendor's two pushes, door.closed and order.completed, each taken in
-- by POST /webhooks/xiaomai and applied in the webhook's own transaction (InboundIntake).
-- pgbench runs them as fast as it can: the ceiling for the server's throughput on this machine.
-- Keys are random so unique indexes see what they see in production; rows the bench run created
-- (sessions 1..:sessions, customers 1..:customers, device and store 1) stand for the order's own.
-- Session moves keep the status they find (status = status), so every transaction can run again.
-- The server finds a session by its session_no and the script by its id: both are unique-index lookups.
-- Session 12: each push's inbox row is one INSERT with its outcome (no UPDATE after); the order's
-- session, store and customer phone are one joined read (no device read); the ticket deduction is
-- tried for the whole amount before any balance read, and its ledger row goes in with the payment.
\set k random(1, 2000000000)
\set sid random(1, 200)
\set cid random(1, 100)
-- 1. door.closed: rate limit, nonce, dedupe (each its own statement), then the push applied in one commit.
INSERT INTO rate_limit_counters (key, window_start, count) VALUES ('xiaomai-webhook', date_trunc('minute', now()), 1)
  ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_counters.count + 1 RETURNING count;
INSERT INTO used_nonces (source, nonce, expires_at) VALUES ('xiaomai', 'c' || :k::bigint || '-' || :client_id::int, now() + interval '10 minutes')
  ON CONFLICT (source, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE used_nonces.expires_at < now();
SELECT EXISTS (SELECT 1 FROM inbound_messages AS i WHERE i.source = 'xiaomai' AND i.message_id = 'evc' || :k::bigint || '-' || :client_id::int);
BEGIN;
SELECT d.id, d.status FROM door_sessions AS d WHERE d.id = :sid LIMIT 1;
UPDATE door_sessions AS d SET status = d.status, updated_at = now(), opened_at = d.opened_at, closed_at = CASE WHEN d.closed_at IS NULL THEN now() ELSE d.closed_at END,
  ended_at = d.ended_at, failure_code = d.failure_code, failure_message = d.failure_message, wheat_order_no = COALESCE(d.wheat_order_no, 'WX' || :k::bigint),
  unlock_expires_at = COALESCE(d.unlock_expires_at, NULL), last_session_seq = CASE WHEN 3 > d.last_session_seq THEN 3 ELSE d.last_session_seq END
  WHERE d.id = :sid AND d.status = d.status;
INSERT INTO door_session_transitions (at, cause, "from", session_id, "to") VALUES (now(), '门已关闭', 2, :sid, 3) RETURNING id;
INSERT INTO inbound_messages (body, error, message_id, message_type, processed_at, received_at, source, status)
  VALUES (repeat('x', 600), NULL, 'evc' || :k::bigint || '-' || :client_id::int, 'door.closed', now(), now(), 'xiaomai', 1) RETURNING id;
COMMIT;
-- 2. order.completed: the same intake, then the order priced, stored, the session settled and the tickets charged in one commit.
INSERT INTO rate_limit_counters (key, window_start, count) VALUES ('xiaomai-webhook', date_trunc('minute', now()), 1)
  ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_counters.count + 1 RETURNING count;
INSERT INTO used_nonces (source, nonce, expires_at) VALUES ('xiaomai', 'o' || :k::bigint || '-' || :client_id::int, now() + interval '10 minutes')
  ON CONFLICT (source, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE used_nonces.expires_at < now();
SELECT EXISTS (SELECT 1 FROM inbound_messages AS i WHERE i.source = 'xiaomai' AND i.message_id = 'evo' || :k::bigint || '-' || :client_id::int);
BEGIN;
SELECT EXISTS (SELECT 1 FROM orders AS o WHERE o.wheat_order_no = 'WX' || :k::bigint || '-' || :client_id::int);
SELECT d.id, d.check_due_at, d.closed_at, d.created_at, d.customer_id, d.device_id, d.ended_at, d.failure_code, d.failure_message, d.idempotency_key, d.last_session_seq,
  d.open_requested_at, d.opened_at, d.pay_score_order_id, d.pay_score_order_state, d.pay_score_package, d.pay_score_request, d.payment_method, d.session_no, d.status,
  d.status_cause, d.store_id, d.unlock_expires_at, d.updated_at, d.wheat_order_no, s.id, s.address, s.complaint_response_hours, s.created_at, s.is_enabled,
  s.item_count_limit, s.min_ticket_balance, s.order_amount_limit, s.pay_score_enabled, s.pay_score_risk_ceiling, s.phone, s.store_code, s.store_name, s.store_property,
  s.store_type, s.updated_at, u.phone
  FROM door_sessions AS d INNER JOIN stores AS s ON d.store_id = s.id INNER JOIN users AS u ON d.customer_id = u.id WHERE d.id = :sid LIMIT 1;
UPDATE door_sessions AS d SET wheat_order_no = COALESCE(d.wheat_order_no, 'WX' || :k::bigint), unlock_expires_at = COALESCE(d.unlock_expires_at, NULL),
  last_session_seq = CASE WHEN 3 > d.last_session_seq THEN 3 ELSE d.last_session_seq END WHERE d.id = :sid;
SELECT s.key, s.updated_at, s.updated_by, s.value FROM settings AS s WHERE s.key = ANY (ARRAY['store.order_amount_limit', 'store.item_count_limit', 'store.min_ticket_balance', 'store.pay_score_enabled']);
SELECT p.product_code AS "ProductCode", p.id AS "Id", p.name AS "Name", COALESCE((SELECT s.price FROM store_product_prices AS s WHERE s.store_id = 1 AND s.product_id = p.id LIMIT 1), p.price) AS "Price"
  FROM products AS p WHERE p.product_code = ANY (ARRAY['P10001']);
INSERT INTO orders (created_at, device_id, door_session_id, hold, item_count, order_no, order_time, order_type, payment_failure, payment_status, payment_time,
  payment_type, price_mismatch, related_order_no, store_id, ticket_payment_amount, total_amount, updated_at, user_id, user_phone, vendor_total, wheat_order_no, wx_payment_amount)
  VALUES (now(), 1, NULL, NULL, 1, 'OD' || :k::bigint || '-' || :client_id::int, now(), 'Normal', NULL, 0, NULL, 'Tickets', false, NULL, 1, 0, 3.50, now(), :cid, NULL, 3.50,
  'WX' || :k::bigint || '-' || :client_id::int, 0) RETURNING id \gset ord_
INSERT INTO order_items (amount, barcode, confidence, line_no, name, order_id, price_mismatch, product_id, quantity, sku_code, unit_price, vendor_amount, vendor_unit_price)
  VALUES (3.50, '6901234567892', 0.9876, 1, '饮用天然水 550ml', :ord_id, false, NULL, 1, 'P10001', 3.50, 3.50, 3.50) RETURNING id;
UPDATE door_sessions AS d SET status = d.status, updated_at = now(), opened_at = d.opened_at, closed_at = d.closed_at, ended_at = now(),
  failure_code = d.failure_code, failure_message = d.failure_message WHERE d.id = :sid AND d.status = d.status;
INSERT INTO door_session_transitions (at, cause, "from", session_id, "to") VALUES (now(), '订单已生成', 3, :sid, 4) RETURNING id;
SELECT EXISTS (SELECT 1 FROM order_payments AS o WHERE o.idempotency_key = 'order' || ':' || 'OD' || :k::bigint || '-' || :client_id::int || ':' || 'tickets');
UPDATE users AS u SET ticket_balance = u.ticket_balance + (-1750) WHERE u.id = :cid AND u.ticket_balance + (-1750) >= 0;
SELECT u.ticket_balance FROM users AS u WHERE u.id = :cid LIMIT 2;
INSERT INTO order_payments (amount, channel, completed_at, created_at, expires_at, failure_reason, idempotency_key, order_id, out_trade_no, prepay_id, status, tickets, transaction_id)
  VALUES (3.50, 'Tickets', now(), now(), NULL, NULL, 'order' || ':' || 'OD' || :k::bigint || '-' || :client_id::int || ':' || 'tickets', :ord_id, NULL, NULL, 'Succeeded', 1750, NULL) RETURNING id;
UPDATE orders SET payment_status = 2, payment_time = now(), ticket_payment_amount = 1750, updated_at = now() WHERE id = :ord_id;
INSERT INTO ticket_ledger (amount, balance_after, created_at, customer_id, kind, operator_id, operator_name, reason, related_order_no)
  VALUES (-1750, 0, now(), :cid, 'Payment', NULL, '系统', '订单礼票支付', 'OD' || :k::bigint) RETURNING id;
INSERT INTO inbound_messages (body, error, message_id, message_type, processed_at, received_at, source, status)
  VALUES (repeat('x', 1400), NULL, 'evo' || :k::bigint || '-' || :client_id::int, 'order.completed', now(), now(), 'xiaomai', 1) RETURNING id;
COMMIT;
