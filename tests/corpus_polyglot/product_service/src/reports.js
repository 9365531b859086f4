const { sql } = require("drizzle-orm");

const LEGACY_EVENT = "INSERT INTO users.user_events (user_id, kind) VALUES ($1, 'view')";

async function topBuyers(sequelize) {
  return sequelize.query(
    'SELECT user_id, count(*) FROM orders.orders GROUP BY user_id');
}

async function revenue(dataSource) {
  return dataSource.query("SELECT sum(amount) FROM product.prices");
}

function recent(db, since) {
  return db.execute(sql`select id, total from orders.orders where created_at > ${since}`);
}

function fail(id) {
  throw `select from orders.orders failed for ${id}`;
}

module.exports = { LEGACY_EVENT, topBuyers, revenue, recent, fail };

// expect: 3 BND101 users.user_events
// expect: 7 BND100 orders.orders
// expect: 15 BND100 orders.orders
