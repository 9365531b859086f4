package com.shop.users;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface UserRepository extends JpaRepository<User, Long> {

    @Query(value = "SELECT u.* FROM users.users u JOIN orders.orders o ON o.user_id = u.id "
            + "WHERE o.total > :minimum", nativeQuery = true)
    List<User> bigSpenders(long minimum);

    @Query("SELECT u FROM User u WHERE u.email = :email")
    User byEmail(String email);

    @Query(value = "DELETE FROM product.wishlists WHERE user_id = :id", nativeQuery = true)
    void clearWishlist(long id);
}

// expect: 9 BND100 orders.orders
// expect: 16 BND101 product.wishlists
