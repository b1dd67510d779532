-- Fixtures for the shop's tests, loaded once into the template database
-- after the migrations. Keys come from the sequences (1, 2, 3, ...), so
-- tests may name them.

INSERT INTO users (email, name, created_at) VALUES
    ('ann@example.com', 'Ann', '2024-01-02 10:00:00+00'),  -- id 1
    ('bob@example.com', 'Bob', '2024-01-03 11:00:00+00');  -- id 2

INSERT INTO products (sku, name, price, stock) VALUES
    ('TEA-01', 'Green tea', 4.50, 100),   -- id 1
    ('MUG-01', 'Mug',       12.00, 10),   -- id 2
    ('POT-01', 'Teapot',    35.99, 1),    -- id 3
    ('CUP-01', 'Cup',       6.25, 50);    -- id 4, never ordered

-- Ann has two orders; Bob has none.
INSERT INTO orders (user_id, created_at) VALUES
    (1, '2024-02-01 09:00:00+00'),  -- id 1
    (1, '2024-02-05 15:30:00+00');  -- id 2

INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES
    (1, 1, 2, 4.50),   -- 9.00
    (1, 2, 1, 12.00),  -- 12.00: order 1 totals 21.00
    (2, 3, 1, 35.99);  -- order 2 totals 35.99
