-- The example's tables: orders are captured by postgres-cdc; customer_totals is kept by the jdbc sink.
CREATE TABLE orders (
  payment_id  text PRIMARY KEY,
  customer_id text NOT NULL,
  amount      numeric(12, 2) NOT NULL,
  currency    text NOT NULL,
  "timestamp" timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE customer_totals (
  customer_id text PRIMARY KEY,
  payments    bigint NOT NULL,
  total       numeric(14, 2) NOT NULL,
  currency    text NOT NULL,
  updated_at  timestamptz NOT NULL
);
