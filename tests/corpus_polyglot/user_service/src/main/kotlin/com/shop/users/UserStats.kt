package com.shop.users

import org.springframework.jdbc.core.JdbcTemplate

class UserStats(private val jdbc: JdbcTemplate) {
    fun orderCount(userId: Long): Int =
        jdbc.queryForObject("SELECT count(*) FROM orders.orders WHERE user_id = ?", Int::class.java, userId)

    fun ownCount(): Int = jdbc.queryForObject("SELECT count(*) FROM users.users", Int::class.java)

    fun fromSchema(schema: String): List<Map<String, Any>> =
        jdbc.queryForList("SELECT * FROM ${schema}.user_events")

    fun warn(userId: Long) {
        println("delete from orders.orders for $userId")
        throw IllegalStateException("update users.users failed")
    }
}

// expect: 7 BND100 orders.orders
// expect: 12 BND105 {}.user_events
