INSERT INTO product (id, name, price)
SELECT x, 'Product ' || x, 10 + MOD(x, 90) FROM generate_series(1, 10000) AS x
ON CONFLICT (id) DO NOTHING;
