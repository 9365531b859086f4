package com.shop.users;

import jakarta.persistence.*;

/** The order service's order, mapped here so a user's page can list them. */
@Entity
@Table(name = "orders", schema = "orders")
public class Order {
    @Id
    private Long id;

    @ManyToOne
    @JoinColumn(name = "user_id")
    private User user;
}

// expect: 7 BND106 orders.orders
