package com.shop.users;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.persistence.EntityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

public class UserDao {
    private static final Logger log = LoggerFactory.getLogger(UserDao.class);
    private static final String LAST_ORDERS =
            "SELECT id, total FROM orders.orders WHERE user_id = ? ORDER BY id DESC LIMIT 5";

    private final JdbcTemplate jdbc;
    private final EntityManager em;

    public UserDao(JdbcTemplate jdbc, EntityManager em) {
        this.jdbc = jdbc;
        this.em = em;
    }

    public List<Map<String, Object>> wishlist(long userId) {
        return jdbc.queryForList("SELECT p.name FROM product.products p "
                + "JOIN product.wishlists w ON w.product_id = p.id WHERE w.user_id = ?", userId);
    }

    public void cancelOrders(long userId) {
        jdbc.update("UPDATE orders.orders SET status = 'cancelled' WHERE user_id = ?", userId);
        log.info("delete from orders.orders skipped for user {}", userId);
    }

    public int countIn(Connection connection, String schema) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                String.format("SELECT count(*) FROM %s.users", schema))) {
            return statement.executeQuery().getInt(1);
        }
    }

    public Object email(long id) {
        return em.createNativeQuery("SELECT email FROM users.users WHERE id = ?1").setParameter(1, id)
                .getSingleResult();
    }

    public Object byJpql(String email) {
        return em.createQuery("SELECT u FROM User u WHERE u.email = :email").getSingleResult();
    }

    public void check(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("update orders.orders needs an id");
        }
        System.out.println("select * from orders.orders where user_id = " + id);
    }
}

// expect: 16 BND100 orders.orders
// expect: 27 BND100 product.products
// expect: 28 BND100 product.wishlists
// expect: 32 BND101 orders.orders
// expect: 38 BND105 {}.users
