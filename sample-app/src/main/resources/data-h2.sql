INSERT INTO product (id, name, price) SELECT x, 'Product ' || x, 10 + MOD(x, 90) FROM SYSTEM_RANGE(1, 10000);
SET QUERY_STATISTICS TRUE;
