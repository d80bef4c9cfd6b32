-- Payments per currency, kept current from the payments topic the payments job reads (JSON events; the amount is a
-- decimal string). Declaring the table on the existing topic only stores its schema.
CREATE TABLE IF NOT EXISTS payments (
  payment_id STRING,
  customer_id STRING,
  amount STRING,
  currency STRING,
  `timestamp` STRING
);

CREATE TABLE IF NOT EXISTS payments_by_currency (
  currency STRING,
  payments BIGINT,
  total DECIMAL(38, 2),
  PRIMARY KEY (currency) NOT ENFORCED
);

INSERT INTO payments_by_currency
SELECT currency, COUNT(*), CAST(SUM(CAST(amount AS DECIMAL(18, 2))) AS DECIMAL(38, 2))
FROM payments
GROUP BY currency;
