import { PrismaClient } from "@prisma/client";
import knex from "knex";
import { Pool } from "pg";
import { logger } from "./logger";

const prisma = new PrismaClient();
const pool = new Pool();
const db = knex({ client: "pg" });

export async function productWithSeller(id: number) {
  return prisma.$queryRaw`
    SELECT p.name, u.email
    FROM product.products p
    JOIN users.users u ON u.id = p.seller_id
    WHERE p.id = ${id}`;
}

export async function orderCount(productId: number): Promise<number> {
  const { rows } = await pool.query(
    "SELECT count(*) FROM orders.orders WHERE product_id = $1", [productId]);
  return Number(rows[0].count);
}

export async function markSold(productId: number) {
  await prisma.$executeRawUnsafe(
    `UPDATE orders.order_items SET sold = true WHERE product_id = ${productId}`);
}

export async function fromShard(shard: string) {
  return prisma.$queryRawUnsafe(`SELECT * FROM ${shard}.products`);
}

export async function prices(ids: number[]) {
  return db.raw("select amount from product.prices where product_id = any(?)", [ids]);
}

export async function sellerName(id: number) {
  return db.raw("SELECT name FROM " + "users.users" + " WHERE id = ?", [id]);
}

// SELECT * FROM orders.orders -- what the report used to do
export function audit(id: number): never {
  console.log("SELECT * FROM users.users WHERE id = " + id);
  logger.warn(`delete from orders.orders skipped for ${id}`);
  throw new Error("update users.users failed");
}

// expect: 14 BND100 users.users
// expect: 20 BND100 orders.orders
// expect: 26 BND101 orders.order_items
// expect: 30 BND105 {}.products
// expect: 38 BND100 users.users
