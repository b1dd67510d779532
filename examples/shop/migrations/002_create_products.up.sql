CREATE TABLE products (
    id         bigserial     PRIMARY KEY,
    sku        text          NOT NULL UNIQUE,
    name       text          NOT NULL,
    price      numeric(10,2) NOT NULL CHECK (price >= 0),
    stock      integer       NOT NULL DEFAULT 0,
    created_at timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT products_stock_check CHECK (stock >= 0)
);
